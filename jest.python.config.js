// `npm run test:python`: the wheel in dist/python/ installed with pip into a fresh virtual environment
// (slow: a pip install; needs `npm run package` first).
const base = require('./jest.config');
module.exports = { ...base, roots: ['<rootDir>/test/python'], testPathIgnorePatterns: ['/node_modules/'] };
