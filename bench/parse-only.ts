// The floor of `cdk8s-multus check`: a Node process that only finds and parses the same YAML files
// (the yaml package, every document), and does nothing with them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

function walk(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.yaml') || e.name.endsWith('.yml')) out.push(p);
  }
  return out;
}

let documents = 0;
for (const file of walk(path.resolve(process.argv[2]), [])) {
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'), { logLevel: 'error' })) {
    // A document that is not valid YAML (a template, an alias it never defines) is skipped, as the
    // checker skips it, rather than ending the run early.
    try {
      doc.toJS();
      documents++;
    } catch {
      continue;
    }
  }
}
process.stdout.write(`${documents}\n`);
