import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import * as api from '../src';

// The package's public surface: what `import ... from 'cdk8s-multus'` offers. Read from the source
// with the TypeScript compiler (interfaces have no runtime value, so `Object.keys` alone would miss
// them), and held against API.md, which jsii-docgen writes from the jsii assembly.

const ROOT = join(__dirname, '..');

/** The generated CRD classes, exported as namespaces (jsii submodules; API.md documents the root only). */
const SUBMODULES = ['fluxhelm', 'fluxkustomize', 'fluxsource', 'k8scni'];

/**
 * Exported for TypeScript and JavaScript users, outside the jsii type system (jsii cannot model a
 * subclass of `Error`): marked `@internal` for jsii, so absent from API.md, and documented in the
 * README and the guide instead.
 */
const TYPESCRIPT_ONLY = ['ValidationError', 'ValidationErrorProps', 'ValidationProblem'];

/** Names the library uses internally that once leaked through `export *`. */
const INTERNAL_NAMES = [
  'IMAGE', 'PORT', 'RESOURCES', 'PROBES', 'PROBE_OPTIONS', 'CAPABILITIES', 'SECURITY_CONTEXT', 'POD_SECURITY_CONTEXT',
  'KNOWN_VERSIONS', 'REFUSED_VERSIONS', 'renderResources', 'wholeMebibytes',
];

interface ExportedName {
  readonly name: string;
  readonly submodule: boolean;
  readonly internal: boolean;
}

function exportsOfIndex(): ExportedName[] {
  const index = join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([index], {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, experimentalDecorators: true, skipLibCheck: true, noEmit: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = target.declarations ?? [];
    return {
      name: exported.name,
      submodule: declarations.some((d) => ts.isSourceFile(d) || ts.isModuleDeclaration(d)),
      internal: declarations.some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'internal')),
    };
  });
}

/** The names API.md documents at the top level (`### Name <a ... id="cdk8s-multus.Name">`). */
function documentedInApiMd(): string[] {
  const md = readFileSync(join(ROOT, 'API.md'), 'utf8');
  return [...md.matchAll(/^### \S+ <a name="[^"]+" id="cdk8s-multus\.([A-Za-z0-9_]+)"><\/a>$/gm)].map((m) => m[1]);
}

describe('public API surface', () => {
  const exported = exportsOfIndex();

  test('the package root exports at least the constructs, and reads every export of src/index.ts', () => {
    // GIVEN the exports the compiler sees
    const names = exported.map((e) => e.name);
    // THEN the construct list of API.md is among them (the reading is not empty or partial)
    for (const construct of ['MultusInstall', 'IotNetwork', 'MultusPodAnnotation', 'AppTemplateRelease', 'FluxTree', 'MultusTestPod', 'CniDhcpDaemon', 'MultusNodeCleanup']) {
      expect(names).toContain(construct);
    }
    // AND the interfaces, which have no runtime value, are seen too
    expect(names).toEqual(expect.arrayContaining(['MultusInstallProps', 'NetworkSelection', 'INetworkAttachment']));
  });

  test.each(INTERNAL_NAMES)('%s is not importable from the package root', (name) => {
    // GIVEN the package root, at runtime and as the compiler sees it
    // THEN the internal name is in neither
    expect(Object.keys(api)).not.toContain(name);
    expect((api as Record<string, unknown>)[name]).toBeUndefined();
    expect(exported.map((e) => e.name)).not.toContain(name);
  });

  test('nothing marked @internal is exported, but the TypeScript-only error types', () => {
    // GIVEN the exports whose declaration carries @internal
    const internal = exported.filter((e) => e.internal).map((e) => e.name).sort();
    // THEN they are exactly the error types jsii cannot model
    expect(internal).toEqual([...TYPESCRIPT_ONLY].sort());
  });

  test('the submodules are the generated CRD classes only', () => {
    expect(exported.filter((e) => e.submodule).map((e) => e.name).sort()).toEqual(SUBMODULES);
  });

  test('API.md documents every export of the root, and nothing else (it is current)', () => {
    // GIVEN the jsii-visible exports of the root
    const visible = exported.filter((e) => !e.internal && !e.submodule).map((e) => e.name).sort();
    // WHEN API.md is read
    const documented = documentedInApiMd().sort();
    // THEN both lists are the same: every export documented, no removed name left in API.md
    expect(documented).toEqual(visible);
  });
});
