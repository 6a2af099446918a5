// `npm run test:repos`: the checker and `merge` against copies of public home-ops repositories that
// a developer fetched by hand (CDK8S_MULTUS_REPOS, CDK8S_MULTUS_HOME_OPS: directories separated by
// `:`). Nothing fetched is in the repository, so CI cannot run these; they are not part of `npm test`,
// whose CI run must skip nothing. Run them before resolving a change to the checker or to merge.
const base = require('./jest.config');
module.exports = { ...base, roots: ['<rootDir>/test/repos'], testPathIgnorePatterns: ['/node_modules/'] };
