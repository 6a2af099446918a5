import { Size } from 'cdk8s';
import * as fc from 'fast-check';
import { CpuQuantity } from '../../src';
import { renderResources } from '../../src/multus/resources';
import { expectRefusal, validationError } from '../helpers';

// renderResources (src/multus/resources.ts): the daemon container's requests and limits, as the
// chart values take them. Pure: no construct.

describe('renderResources', () => {
  test('defaults: 10m CPU and 64Mi requested, 512Mi memory limit, no CPU limit', () => {
    // GIVEN / WHEN no resources
    const r = renderResources({});
    // THEN the safe defaults (a CPU limit would throttle every pod start on the node)
    expect(r).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } });
  });

  test('CpuQuantity request and limit, in millicores whatever unit they were given in', () => {
    // GIVEN / WHEN a request in cores and a limit in millicores
    const r = renderResources({ cpuRequest: CpuQuantity.cores(0.5), cpuLimit: CpuQuantity.millis(2000), memoryRequest: Size.mebibytes(128), memoryLimit: Size.gibibytes(1) });
    // THEN both are written as millicores, memory as mebibytes
    expect(r).toEqual({ requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  });

  test('CpuQuantity.millis gives the same bytes as the millicore numbers written so far (property)', () => {
    // GIVEN any request and a limit at least as large
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (request, extra) => {
      // WHEN given as CpuQuantity
      const r = renderResources({ cpuRequest: CpuQuantity.millis(request), cpuLimit: CpuQuantity.millis(request + extra) });
      // THEN the values are millicores, as `<n>m`
      expect(r.requests.cpu).toBe(`${request}m`);
      expect(r.limits.cpu).toBe(`${request + extra}m`);
    }), { numRuns: 500 });
  });

  test.each(['cpuRequestMillis', 'cpuLimitMillis'])('the removed %s is refused, naming the prop that replaces it', (removed) => {
    // GIVEN / WHEN a millicore number under the name removed at 0.2.0 (from a JavaScript caller)
    const e = validationError(() => renderResources({ [removed]: 10 } as any));
    // THEN it is an unknown prop of ContainerResources, and the hint names cpuRequest or cpuLimit
    expect(e.field).toBe(`resources.${removed}`);
    expect(e.message).toContain('is not a prop of ContainerResources');
    expect(e.hint).toContain(removed.replace('Millis', ''));
  });

  test.each<[string, () => unknown, string, string]>([
    ['a cpuRequest that is a number, not a CpuQuantity', () => renderResources({ cpuRequest: 10 as any }), 'resources.cpuRequest', '10'],
    ['a cpuLimit given as text', () => renderResources({ cpuLimit: '200m' as any }), 'resources.cpuLimit', '"200m"'],
    ['a CpuQuantity limit below the request', () => renderResources({ cpuRequest: CpuQuantity.millis(100), cpuLimit: CpuQuantity.millis(50) }), 'resources.cpuLimit', '"50m"'],
    ['a memory limit below the request', () => renderResources({ memoryRequest: Size.mebibytes(1024) }), 'resources.memoryLimit', '"512Mi"'],
    ['a fractional number of mebibytes', () => renderResources({ memoryLimit: Size.kibibytes(1000) }), 'resources.memoryLimit', '"0.9765625Mi"'],
    ['zero memory', () => renderResources({ memoryRequest: Size.mebibytes(0) }), 'resources.memoryRequest', '"0Mi"'],
    ['memory as text, not a Size', () => renderResources({ memoryLimit: '256Mi' as any }), 'resources.memoryLimit', '"256Mi"'],
  ])('refuses %s', (_what, fn, field, shown) => {
    // GIVEN / WHEN resources Kubernetes or the chart cannot take
    // THEN a ValidationError for the field, naming the value and what would be right
    expectRefusal(fn, field, shown);
  });

  test('every refused request and limit is reported in one error', () => {
    // GIVEN / WHEN three bad values at once
    const e = validationError(() => renderResources({ cpuRequest: '10m' as any, cpuLimit: 5 as any, memoryRequest: Size.mebibytes(0) }));
    // THEN each is named
    expect(e.problems.map((p) => p.field)).toEqual(['resources.cpuRequest', 'resources.cpuLimit', 'resources.memoryRequest']);
  });
});

describe('renderResources reports every limit below its request', () => {
  test('a CPU and a memory limit below their requests are both named', () => {
    // GIVEN both limits below their requests
    const r = { cpuRequest: CpuQuantity.millis(100), cpuLimit: CpuQuantity.millis(50), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(64) };
    // WHEN / THEN both are refused in one error
    expect(validationError(() => renderResources(r)).problems.map((p) => p.field)).toEqual(['resources.cpuLimit', 'resources.memoryLimit']);
  });
});
