import * as path from 'node:path';
import { refusal, Problems } from '../errors';
import { checkKnownProps, propsShape } from '../util/props';

// The rulebook as a cdk8s validation plugin: `cdk8s synth` runs it over the manifests it
// synthesized when cdk8s.yaml names it under `validations:`. The CLI loads the package's main
// module and calls `new module[class](properties).validate(context)`; the context's types live in
// cdk8s-cli (`cdk8s-cli/lib/plugins/validation.d.ts`), which is not a dependency of this library,
// so it is read structurally here.

/** Props of `MultusValidation` (the `properties` of its entry in cdk8s.yaml). */
export interface MultusValidationProps {
  /**
   * Fail the validation report on warnings too.
   * @default false - only error findings fail the report; warnings are listed
   */
  readonly failOnWarnings?: boolean;
}

const MULTUS_VALIDATION_PROPS = propsShape<MultusValidationProps>('MultusValidationProps', { failOnWarnings: true });

/**
 * The cdk8s-multus rulebook as a cdk8s validation plugin, named under `validations:` in `cdk8s.yaml`.
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-multus            # or a local path, e.g. ./node_modules/cdk8s-multus
 *     version: 0.1.0                   # exact
 *     class: MultusValidation
 *     properties: { failOnWarnings: false }
 * ```
 *
 * Every finding becomes a violation of the CLI's validation report (rule, object, field, fix);
 * a finding of level `error` fails the report, and `cdk8s synth` exits with status 2. The rules
 * are those the library runs at synth in apps that use its constructs (docs/rules.md), so this is
 * for apps that do not, and for the output of any cdk8s app.
 */
export class MultusValidation {
  private readonly failOnWarnings: boolean;

  constructor(props: MultusValidationProps = {}) {
    // `properties:` of the validations entry in cdk8s.yaml: a key this plugin does not read is refused
    // (a typo such as fail_on_warnings would otherwise leave warnings passing silently).
    const problems = new Problems();
    problems.check(() => checkKnownProps('properties', props ?? {}, MULTUS_VALIDATION_PROPS));
    // cdk8s.yaml is YAML: `failOnWarnings: "yes"` or `yes` quoted arrives as a string, which must
    // not pass as true or false.
    const failOnWarnings: unknown = props?.failOnWarnings;
    if (failOnWarnings !== undefined && typeof failOnWarnings !== 'boolean') {
      problems.check(() => {
        throw refusal({ field: 'properties.failOnWarnings', value: failOnWarnings, problem: 'is not a boolean', hint: 'write true or false, unquoted' });
      });
    }
    problems.throwIfAny();
    this.failOnWarnings = failOnWarnings === true;
  }

  /**
   * Checks the synthesized manifests and submits the report (cdk8s-cli's `Validation.validate`).
   * @param context the CLI's ValidationContext: `manifests`, `report`, `logger`
   */
  public async validate(context: any): Promise<void> {
    // Loaded here: apps that only synthesize never read YAML files.
    const [{ loadRepository }, { runRules }] = await Promise.all([import('./repository'), import('../rules/rulebook')]);
    const files: string[] = (Array.isArray(context?.manifests) ? context.manifests : []).map((f: string) => path.resolve(f));
    if (files.length === 0) {
      context.report.submit('success', { findings: '0' });
      return;
    }
    // The manifests the CLI hands over, and no other file of the output directory: Flux
    // Kustomizations among them are followed into directories, but only these files are read.
    const repository = loadRepository([commonDirectory(files)], { only: files });
    for (const note of repository.notes) context.logger?.log?.(`cdk8s-multus: ${note}`);
    const findings = runRules(repository.manifests, { input: 'app' });
    for (const f of findings) {
      context.report.addViolation({
        ruleName: `${f.rule} (${f.level})`,
        recommendation: `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}: ${f.field}: ${f.value} ${f.problem}`,
        fix: f.fix,
        violatingResources: [{
          resourceName: f.name,
          locations: [f.field],
          manifestPath: f.location.file !== undefined ? repository.absolute(f.location.file) : '',
        }],
      });
    }
    const errors = findings.filter((f) => f.level === 'error').length;
    const failed = errors > 0 || (this.failOnWarnings && findings.length > 0);
    context.report.submit(failed ? 'failure' : 'success', { errors: String(errors), warnings: String(findings.length - errors) });
  }
}

/** The deepest directory that holds every file. */
function commonDirectory(files: string[]): string {
  let dir = path.dirname(files[0]);
  for (const f of files) {
    while (dir !== path.dirname(dir) && !(f === dir || f.startsWith(dir + path.sep))) dir = path.dirname(dir);
  }
  return dir;
}
