import * as fs from 'node:fs';
import * as path from 'node:path';
import { Problems, invalid, refusal } from '../errors';
import { FluxTreeFile, checkTreeFilePath } from './files';

// The one writer of tree files. Every file lands inside the output directory: each path is checked
// for its form (files.ts), resolved against the output directory and refused when it would leave
// it, and checked against what is already on disk (a symbolic link or a directory where a file or
// a directory is to go, that leads elsewhere). Everything is checked before the first byte is
// written, so a refusal leaves the output directory as it was.

/** The longest absolute path, in bytes, that Linux opens (PATH_MAX, the terminating NUL excluded). */
const MAX_ABSOLUTE_PATH_BYTES = 4095;

/**
 * Writes rendered tree files under `outdir` (creating directories as needed) and returns their
 * paths relative to it. Files outside the tree are left alone.
 * @internal
 */
export function writeTreeFiles(outdir: string, files: ReadonlyArray<FluxTreeFile>): string[] {
  if (typeof outdir !== 'string' || outdir.length === 0) {
    invalid({ field: 'outdir', value: outdir, hint: 'give the directory to write the tree into, e.g. app.outdir' });
  }
  const root = path.resolve(outdir);
  fs.mkdirSync(root, { recursive: true });
  const realRoot = fs.realpathSync(root);
  const problems = new Problems();
  const targets: string[] = [];
  for (const f of files) {
    const target = problems.check(() => {
      checkTreeFilePath('file', f.path);
      const resolved = path.resolve(root, ...f.path.split('/'));
      if (!isInside(root, resolved)) {
        invalid({ field: 'file', value: f.path, hint: `every file of the tree is written inside the output directory ${root}`, problem: 'would leave the output directory' });
      }
      if (Buffer.byteLength(resolved, 'utf8') > MAX_ABSOLUTE_PATH_BYTES) {
        invalid({ field: 'outdir', value: outdir, hint: `the file ${f.path} would have a path of more than ${MAX_ABSOLUTE_PATH_BYTES} bytes: choose a shorter output directory`, problem: 'is too deep' });
      }
      checkOnDisk(f.path, resolved, realRoot);
      return resolved;
    });
    if (target) targets.push(target);
  }
  problems.throwIfAny();
  files.forEach((f, i) => {
    fs.mkdirSync(path.dirname(targets[i]), { recursive: true });
    fs.writeFileSync(targets[i], f.content, { encoding: 'utf8' });
  });
  return files.map((f) => f.path);
}

/** True iff `p` is `root` or below it. */
function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Refuses a target whose nearest existing directory resolves (through symbolic links) outside the
 * output directory, and a target that exists as anything but a regular file.
 */
function checkOnDisk(file: string, target: string, realRoot: string): void {
  const existing = lstatOrUndefined(target);
  if (existing && !existing.isFile()) {
    throw refusal({ field: 'file', value: file, hint: `${target} exists as ${existing.isSymbolicLink() ? 'a symbolic link' : 'a directory or special file'}; remove it, or write into an empty output directory`, problem: 'cannot be written' });
  }
  let dir = path.dirname(target);
  while (!lstatOrUndefined(dir)) dir = path.dirname(dir);
  const real = fs.realpathSync(dir);
  if (real !== realRoot && !isInside(realRoot, real)) {
    throw refusal({ field: 'file', value: file, hint: `${dir} leads to ${real}, outside the output directory (a symbolic link?); remove it, or write into an empty output directory`, problem: 'would leave the output directory' });
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
