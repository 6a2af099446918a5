import { FluxHealthCheck, ValidationError } from '../../src';
import { validationError } from '../helpers';

// FluxHealthCheck (src/flux/health-check.ts): an object Flux waits for before a Kustomization is ready.

describe('refusals', () => {
  test.each<[string, () => unknown, string]>([
    ['a health check kind in lower case', () => FluxHealthCheck.of('apps/v1', 'deployment', 'x'), '"deployment"'],
  ])('%s', (_what, fn, value) => {
    // GIVEN a health check Flux cannot resolve
    // WHEN it is made
    const e = validationError(fn);
    // THEN a ValidationError names the offending value
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toContain(value);
  });
});
