import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';

// The CRD pins in scripts/crds.js (used by `npm run import`, `npm run crds` and the schema tests)
// and the `imports:` list of cdk8s.yaml must name the same upstream files.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is plain CommonJS, outside the TypeScript project
const { CRDS } = require('../scripts/crds.js');

test('cdk8s.yaml imports exactly the pinned CRD URLs', () => {
  const config = Yaml.load(path.join(__dirname, '..', 'cdk8s.yaml'))[0] as any;
  expect([...config.imports].sort()).toEqual(CRDS.map((c: any) => c.url).sort());
});

test('every pinned API group has a generated module in imports/', () => {
  const modules = fs.readdirSync(path.join(__dirname, '..', 'imports')).sort();
  expect(modules).toEqual([...new Set(CRDS.map((c: any) => `${c.group}.ts`))].sort());
});
