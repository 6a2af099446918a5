// What a person sees when a refusal reaches the top of a plain `node` process: the library
// compiled to JavaScript (as the package ships it), an app with a refused IotNetwork subnet, run
// by node itself, its stderr read line by line.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = path.resolve(__dirname, '..');

/** src/ and imports/ compiled to CommonJS under `out` (types stripped, as tsc emits them). */
function compileLibrary(out: string): void {
  for (const top of ['src', 'imports']) {
    for (const rel of fs.readdirSync(path.join(ROOT, top), { recursive: true } as any).map(String)) {
      if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
      const { code } = transformFileSync(path.join(ROOT, top, rel), {
        jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2020' },
        module: { type: 'commonjs' }, sourceMaps: false, swcrc: false,
      });
      const file = path.join(out, top, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, code);
    }
  }
}

describe('a ValidationError that reaches the top of a node process', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-errors-'));
    compileLibrary(work);
    // The app requires the peers from the project's node_modules, as an app does from its own.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
    fs.writeFileSync(path.join(work, 'main.js'), [
      "const { App, Chart } = require('cdk8s');",
      "const { IotNetwork } = require('./src');",
      'const app = new App();',
      "new IotNetwork(new Chart(app, 'multus', { namespace: 'kube-system' }), 'iot', { subnet: '192.168.20.7/33', gateway: '192.168.20.1' });",
      'app.synth();',
    ].join('\n'));
  }, 60_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  function run(env: Record<string, string>) {
    const e = { ...process.env, ...env };
    if (!('CDK8S_MULTUS_STACK' in env)) delete e.CDK8S_MULTUS_STACK;
    return spawnSync(process.execPath, ['main.js'], { cwd: work, encoding: 'utf8', env: e });
  }

  test('prints each problem once, with field, value, fix and construct path, in at most 12 lines and no stack frame', () => {
    // GIVEN an IotNetwork with a subnet of prefix /33 WHEN a plain node process synthesizes it
    const r = run({});
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    // THEN it fails, briefly, without a frame of the library or of node
    expect(r.status).not.toBe(0);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    // AND the problem (field, the value as written, the fix, the construct path) appears once
    const problem = lines.filter((l) => l.includes('"192.168.20.7/33"'));
    expect(problem).toHaveLength(1);
    expect(problem[0]).toMatch(/^\[?ValidationError: subnet: "192\.168\.20\.7\/33" .+: .+ \(at multus\/iot\)$/);
    // AND how to see the frames is said
    expect(r.stderr).toContain('CDK8S_MULTUS_STACK=1');
    console.log(`stderr of the refused subnet (${lines.length} lines):\n${r.stderr}`);
  }, 60_000);

  test('CDK8S_MULTUS_STACK=1 brings the stack frames back', () => {
    const r = run({ CDK8S_MULTUS_STACK: '1' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/\n\s+at .*iot-network\.js/);
  }, 60_000);
});
