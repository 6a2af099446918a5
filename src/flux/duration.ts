import { Duration } from 'cdk8s';
import { invalid } from '../errors';

/**
 * Renders a cdk8s `Duration` the way Flux reads it: a Go duration string such as `30m`, `2h` or `1m30s`.
 * Flux accepts only whole milliseconds in the units h, m, s and ms; a zero or fractional duration is refused.
 * @internal
 */
export function fluxDuration(field: string, duration: Duration): string {
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms <= 0) {
    invalid(field, `${ms}ms`, 'use a positive whole number of milliseconds, e.g. Duration.minutes(30)');
  }
  const units: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]];
  let rest = ms;
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
