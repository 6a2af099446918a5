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

  test('the deprecated millicore numbers give the same bytes as CpuQuantity.millis (property)', () => {
    // GIVEN any request and a limit at least as large
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (request, extra) => {
      // WHEN given as CpuQuantity and as the deprecated numbers
      const modern = renderResources({ cpuRequest: CpuQuantity.millis(request), cpuLimit: CpuQuantity.millis(request + extra) });
      const deprecated = renderResources({ cpuRequestMillis: request, cpuLimitMillis: request + extra });
      // THEN the values are the same
      expect(JSON.stringify(modern)).toBe(JSON.stringify(deprecated));
      expect(modern.requests.cpu).toBe(`${request}m`);
    }), { numRuns: 500 });
  });

  test.each<[string, () => unknown, string, string]>([
    ['cpuRequest and cpuRequestMillis both given', () => renderResources({ cpuRequest: CpuQuantity.millis(10), cpuRequestMillis: 10 }), 'resources.cpuRequestMillis', '10'],
    ['cpuLimit and cpuLimitMillis both given', () => renderResources({ cpuLimit: CpuQuantity.millis(200), cpuLimitMillis: 200 }), 'resources.cpuLimitMillis', '200'],
    ['a cpuRequest that is a number, not a CpuQuantity', () => renderResources({ cpuRequest: 10 as any }), 'resources.cpuRequest', '10'],
    ['a cpuLimit given as text', () => renderResources({ cpuLimit: '200m' as any }), 'resources.cpuLimit', '"200m"'],
    ['zero cpuRequestMillis', () => renderResources({ cpuRequestMillis: 0 }), 'resources.cpuRequestMillis', '0'],
    ['fractional cpuLimitMillis', () => renderResources({ cpuLimitMillis: 1.5 }), 'resources.cpuLimitMillis', '1.5'],
    ['negative cpuRequestMillis', () => renderResources({ cpuRequestMillis: -10 }), 'resources.cpuRequestMillis', '-10'],
    ['NaN cpuRequestMillis', () => renderResources({ cpuRequestMillis: NaN }), 'resources.cpuRequestMillis', 'NaN'],
    ['a CpuQuantity limit below the request', () => renderResources({ cpuRequest: CpuQuantity.millis(100), cpuLimit: CpuQuantity.millis(50) }), 'resources.cpuLimit', '"50m"'],
    ['a deprecated limit below the request', () => renderResources({ cpuRequestMillis: 100, cpuLimitMillis: 50 }), 'resources.cpuLimitMillis', '50'],
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
    const e = validationError(() => renderResources({ cpuRequestMillis: 0, cpuLimit: 5 as any, memoryRequest: Size.mebibytes(0) }));
    // THEN each is named
    expect(e.problems.map((p) => p.field)).toEqual(['resources.cpuRequestMillis', 'resources.cpuLimit', 'resources.memoryRequest']);
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
