import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';

// The CRD pins in scripts/crds.js (used by `npm run import`, `npm run crds` and the schema tests)
// and the `imports:` list of cdk8s.yaml must name the same upstream files.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is plain CommonJS, outside the TypeScript project
const { CRDS } = require('../scripts/crds.js');

test('cdk8s.yaml imports exactly the pinned CRD URLs', () => {
  // GIVEN the imports of cdk8s.yaml and the pins of scripts/crds.js
  const config = Yaml.load(path.join(__dirname, '..', 'cdk8s.yaml'))[0] as any;
  // WHEN / THEN they name the same URLs
  expect([...config.imports].sort()).toEqual(CRDS.map((c: any) => c.url).sort());
});

test('every pinned API group has a generated module in imports/', () => {
  // GIVEN the modules of imports/ and the pins' API groups
  const modules = fs.readdirSync(path.join(__dirname, '..', 'imports')).sort();
  // WHEN / THEN each group has its module, and there is no other
  expect(modules).toEqual([...new Set(CRDS.map((c: any) => `${c.group}.ts`))].sort());
});
