// `npm run test:package`: the packed tarball installed into fresh apps (slow: runs npm install).
// The global setup packs the tarball once, before any test file starts.
const base = require('./jest.config');
module.exports = {
  ...base,
  roots: ['<rootDir>/test/package'],
  testPathIgnorePatterns: [],
  globalSetup: '<rootDir>/test/package/global-setup.ts',
  globalTeardown: '<rootDir>/test/package/global-teardown.ts',
};
