import * as sarif from 'sarif';
import { Finding, Level } from '../rules/model';
import { RuleInfo } from '../rules/rulebook';
import { Position } from './positions';

// The command's output formats. Every string that comes from the input (names, values, paths) is
// escaped before it is printed: a control character (a newline in an object's name, a raw ESC)
// is written as `\n`, `\u001b`, so one finding is one line and nothing reaches the terminal raw.
// Structured formats (JSON, SARIF, JUnit XML) are built as objects and serialized.

/** A finding with where its key is written. @internal */
export interface LocatedFinding {
  readonly finding: Finding;
  /** The file, relative to the repository root (`/` separators). */
  readonly file?: string;
  readonly position?: Position;
}

/** The formats of `--format`. @internal */
export const FORMATS = ['text', 'json', 'sarif', 'github', 'junit'] as const;
/** @internal */
export type Format = typeof FORMATS[number];

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as an escape. @internal */
export function escapeText(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON text of `value` with the characters JSON allows raw but a terminal or a JavaScript reader
 * may not take (C1 controls, DEL, U+2028, U+2029) written as `\uXXXX`: the same JSON value.
 * @internal
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function where(f: LocatedFinding): string {
  const file = f.file ?? '-';
  return f.position ? `${file}:${f.position.line}:${f.position.column}` : file;
}

/** One finding as text: a line (where, level, rule, object, field, value, problem) and an indented fix. @internal */
export function textFinding(f: LocatedFinding): string {
  const x = f.finding;
  const object = `${x.kind} ${x.namespace !== undefined ? `${x.namespace}/` : ''}${x.name}`;
  return `${escapeText(where(f))}: ${x.level}: ${x.rule}: ${escapeText(object)}: ${escapeText(x.field)}: ${escapeText(`${x.value} ${x.problem}`)}\n`
    + `    fix: ${escapeText(x.fix)}\n`;
}

/** A finding as the JSON the command prints. @internal */
export function jsonFinding(f: LocatedFinding): Record<string, string | number | null> {
  const x = f.finding;
  return {
    rule: x.rule, level: x.level, file: f.file ?? null, line: f.position?.line ?? null, column: f.position?.column ?? null,
    kind: x.kind, namespace: x.namespace ?? null, name: x.name, field: x.field, message: x.message, fix: x.fix,
  };
}

/** GitHub workflow command escaping of a message (`%`, CR, LF) and of a property (also `:` and `,`). */
function workflowData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function workflowProperty(text: string): string {
  return workflowData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One finding as a GitHub Actions workflow command (`::error file=…,line=…,col=…::…`). @internal */
export function githubFinding(f: LocatedFinding): string {
  const x = f.finding;
  const props = [
    ...(f.file !== undefined ? [`file=${workflowProperty(escapeText(f.file))}`] : []),
    ...(f.position ? [`line=${f.position.line}`, `col=${f.position.column}`] : []),
    `title=${workflowProperty(`cdk8s-multus ${x.rule}`)}`,
  ];
  // The message (which ends with the fix) has its control characters escaped: one command, one line.
  return `::${x.level} ${props.join(',')}::${workflowData(escapeText(x.message))}\n`;
}

const SARIF_LEVEL: Record<Level, sarif.Result.level> = { error: 'error', warning: 'warning' };

/** A relative URI of a repository path: each segment percent-encoded. */
function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The findings as one SARIF 2.1.0 log: every rule in `tool.driver.rules`, relative artifact URIs. @internal */
export function sarifLog(findings: LocatedFinding[], rules: RuleInfo[], version: string): sarif.Log {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: sarif.Result[] = findings.map((f) => {
    const x = f.finding;
    const result: sarif.Result = {
      ruleId: x.rule,
      level: SARIF_LEVEL[x.level],
      message: { text: x.message },
    };
    const ruleIndex = index.get(x.rule);
    if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
    if (f.file !== undefined) {
      result.locations = [{
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.file), uriBaseId: '%SRCROOT%' },
          ...(f.position ? { region: { startLine: f.position.line, startColumn: f.position.column } } : {}),
        },
        logicalLocations: [{ name: x.name, fullyQualifiedName: `${x.kind}/${x.namespace ?? ''}/${x.name}`, kind: 'resource' }],
      }];
    }
    return result;
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-multus',
          version,
          informationUri: 'https://github.com/cdk8s-multus/cdk8s-multus/blob/main/docs/rules.md',
          rules: rules.map((r): sarif.ReportingDescriptor => ({
            id: r.id,
            shortDescription: { text: r.summary },
            helpUri: `https://github.com/cdk8s-multus/cdk8s-multus/blob/main/docs/rules.md#${r.id}`,
            defaultConfiguration: { level: SARIF_LEVEL[r.level] },
          })),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the repository checked.' } } },
      results,
    }],
  };
}

/** An XML element: a name, attributes and children (elements or text). */
interface XmlElement {
  readonly name: string;
  readonly attributes?: Record<string, string | number>;
  readonly children?: ReadonlyArray<XmlElement | string>;
}

/** XML 1.0 text: markup characters as entities, control characters (not allowed in XML) escaped first. */
function xmlText(text: string): string {
  return escapeText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function serializeXml(e: XmlElement, indent = ''): string {
  const attributes = Object.entries(e.attributes ?? {}).map(([k, v]) => ` ${k}="${xmlText(String(v))}"`).join('');
  const children = e.children ?? [];
  if (children.length === 0) return `${indent}<${e.name}${attributes}/>\n`;
  if (children.every((c) => typeof c === 'string')) return `${indent}<${e.name}${attributes}>${children.map((c) => xmlText(c as string)).join('')}</${e.name}>\n`;
  return `${indent}<${e.name}${attributes}>\n${children.map((c) => (typeof c === 'string' ? `${indent}  ${xmlText(c)}\n` : serializeXml(c, `${indent}  `))).join('')}${indent}</${e.name}>\n`;
}

/**
 * The findings as a JUnit XML report: one test case per finding (an error is a failure, a warning
 * passes with its text in system-out), and one passing case when there is none.
 * @internal
 */
export function junitReport(findings: LocatedFinding[], files: number): string {
  const errors = findings.filter((f) => f.finding.level === 'error').length;
  const cases: XmlElement[] = findings.map((f) => {
    const x = f.finding;
    const text = `${where(f)}: ${x.message}`;
    return {
      name: 'testcase',
      attributes: { classname: f.file ?? 'cdk8s-multus', name: `${x.rule}: ${x.kind} ${x.namespace !== undefined ? `${x.namespace}/` : ''}${x.name}: ${x.field}`, ...(f.file !== undefined ? { file: f.file } : {}), ...(f.position ? { line: f.position.line } : {}) },
      children: [x.level === 'error'
        ? { name: 'failure', attributes: { type: x.rule, message: x.message }, children: [text] }
        : { name: 'system-out', children: [`warning: ${text}`] }],
    };
  });
  if (cases.length === 0) cases.push({ name: 'testcase', attributes: { classname: 'cdk8s-multus', name: `${files} YAML files checked` } });
  const suite: XmlElement = {
    name: 'testsuite',
    attributes: { name: 'cdk8s-multus check', tests: cases.length, failures: errors, errors: 0, skipped: 0 },
    children: cases,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serializeXml({ name: 'testsuites', attributes: { name: 'cdk8s-multus', tests: cases.length, failures: errors, errors: 0 }, children: [suite] })}`;
}
