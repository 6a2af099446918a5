import * as fs from 'node:fs';
import * as path from 'node:path';
import { FluxTreeFile } from './files';

/**
 * Writes rendered tree files under `outdir` (creating directories as needed) and returns their
 * paths relative to it. Files outside the tree are left alone.
 * @internal
 */
export function writeTreeFiles(outdir: string, files: ReadonlyArray<FluxTreeFile>): string[] {
  for (const f of files) {
    const target = path.join(outdir, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content, { encoding: 'utf8' });
  }
  return files.map((f) => f.path);
}
