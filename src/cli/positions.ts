import { isMap as isYamlMap, isPair, isScalar, isSeq, LineCounter, Node } from 'yaml';
import { YamlFile } from './files';

// Where a finding's field is written: the line and column (from 1) of the key the finding is
// about, read from the parsed document's source positions. A field that an earlier kustomize patch
// or a Flux substitution added (not written in the document) points at its deepest written parent.

/** A position in a file, from 1. @internal */
export interface Position {
  readonly line: number;
  readonly column: number;
}

type Step = { readonly key: string; readonly plain: boolean } | { readonly index: number };

/** The steps of a field path: `a.b`, `a["k.with.dots"]`, `a[0]`; text after a space is a comment. */
export function fieldSteps(field: string): Step[] {
  const steps: Step[] = [];
  const at = field.search(/\s/);
  const text = at >= 0 ? field.slice(0, at) : field;
  const token = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\.?([^.[\]]+)/g;
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    if (m[1] !== undefined) steps.push({ key: m[1].replace(/\\(.)/g, '$1'), plain: false });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ key: m[3], plain: true });
    else token.lastIndex++;
  }
  return steps;
}

function keyText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

/**
 * The position of `field`'s key in document `doc` of a file: the deepest key of the path that is
 * written there (plain segments may join, as a key can hold dots), else the document's start.
 * @internal
 */
export function keyPosition(file: YamlFile, doc: number, field: string): Position | undefined {
  const source = file.source();
  const document = source.parsed[doc];
  if (!document) return undefined;
  const steps = fieldSteps(field);
  let node: unknown = document.contents;
  let offset: number | undefined = (document.contents as Node | null)?.range?.[0];
  for (let i = 0; i < steps.length;) {
    const step = steps[i];
    if ('index' in step) {
      if (!isSeq(node) || step.index >= node.items.length) break;
      node = node.items[step.index];
      offset = (node as Node | null)?.range?.[0] ?? offset;
      i++;
      continue;
    }
    if (!isYamlMap(node)) break;
    const map = node;
    // The longest run of plain segments that is one key (`k8s.v1.cni.cncf.io/networks` written plain).
    let found = false;
    for (let n = step.plain ? countPlain(steps, i) : 1; n >= 1 && !found; n--) {
      const key = step.plain ? steps.slice(i, i + n).map((s) => (s as { key: string }).key).join('.') : step.key;
      const pair = map.items.find((p) => isPair(p) && keyText(p.key) === key);
      if (pair) {
        offset = (pair.key as Node | null)?.range?.[0] ?? offset;
        node = pair.value;
        i += n;
        found = true;
      }
    }
    if (!found) break;
  }
  return offset === undefined ? undefined : toPosition(source.lines, offset);
}

function countPlain(steps: Step[], from: number): number {
  let n = 0;
  while (from + n < steps.length && 'key' in steps[from + n] && (steps[from + n] as { plain: boolean }).plain) n++;
  return n;
}

function toPosition(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
