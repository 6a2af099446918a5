import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

// The user's hand-written plan (../shared/seed/multus-plan.md), laid out as the repository tree it
// describes: each YAML block goes to the file the plan names for it ("Create `<path>`:", "Add to
// `<path>`:", or a `# In <path>` comment inside the block). The plan's verification pod, which it
// applies with kubectl, goes to `multus-test.yaml` beside the tree. Blocks that are fragments of
// values rather than Kubernetes objects are left out. The plan is read at test time, never copied.

/** Where the plan is, when the shared checkout sits beside the repository. */
export const PLAN = path.resolve(__dirname, '..', '..', '..', 'shared', 'seed', 'multus-plan.md');

/** The files of the plan's tree: path -> content. */
export function planFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  const block = /```yaml\n([\s\S]*?)```/g;
  let m: RegExpExecArray | null;
  let lastEnd = 0;
  while ((m = block.exec(markdown)) !== null) {
    const body = m[1];
    const before = markdown.slice(lastEnd, m.index);
    lastEnd = m.index + m[0].length;
    const named = /^#\s*In\s+(\S+\.ya?ml)\s*$/m.exec(body)?.[1]
      ?? [...before.matchAll(/(?:Create|Add to) `([^`]+\.ya?ml)`/g)].pop()?.[1];
    const docs = parseAllDocuments(body).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
    const objects = docs.filter((d: any) => typeof d?.apiVersion === 'string' && typeof d?.kind === 'string');
    if (named) files.set(named, body);
    else if (objects.length > 0 && objects.every((o: any) => o.kind === 'Pod')) files.set('multus-test.yaml', body);
  }
  return files;
}

/** Writes the plan's tree into a fresh temporary directory and returns it. */
export function writePlanTree(markdown: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multus-plan-'));
  for (const [file, content] of planFiles(markdown)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}
