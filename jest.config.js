// @swc/jest strips types only (about 3x faster cold than ts-jest on these machines);
// `npm test` (scripts/test.js) runs `tsc --noEmit` beside jest, so types are still checked.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default on two cores is a single worker; the CNI lab mostly waits on plugins and
  // network namespaces, so two workers finish the suite about a third sooner.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The package tests run npm install and pip install; they have their own commands
  // (`npm run test:package`, `npm run test:python`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/', '<rootDir>/test/python/', '<rootDir>/test/repos/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2020' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
