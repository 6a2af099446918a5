// `npm run test:package`: the packed tarball installed into a fresh app (slow: runs npm install).
const base = require('./jest.config');
module.exports = { ...base, roots: ['<rootDir>/test/package'], testPathIgnorePatterns: [] };
