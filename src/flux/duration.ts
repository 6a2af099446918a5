import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';

const MAX_GO_DURATION_MS = 9_223_372_036_854;

/**
 * Renders a cdk8s `Duration` the way Flux reads it: a Go duration string such as `30m`, `2h` or `1m30s`.
 * Flux accepts only whole milliseconds in the units h, m, s and ms; a zero or fractional duration is refused.
 * Constructs pass themselves as `scope`, so that a refusal names the construct path.
 * @internal
 */
export function fluxDuration(field: string, duration: Duration, scope?: IConstruct): string {
  if (!(duration instanceof Duration)) {
    invalid({ field, value: duration, hint: 'give a cdk8s Duration, e.g. Duration.minutes(30)', scope });
  }
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms <= 0) {
    invalid({ field, value: `${ms}ms`, hint: 'use a positive whole number of milliseconds, e.g. Duration.minutes(30)', scope });
  }
  // Go's time.Duration is an int64 of nanoseconds: Flux cannot parse anything longer (about 2562047h).
  if (ms > MAX_GO_DURATION_MS) {
    invalid({ field, value: `${ms}ms`, hint: 'use a duration shorter than 2562047h (the largest Go duration)', scope });
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
