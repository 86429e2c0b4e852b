/** Durations given on the command line: `60s`, `500ms`, `2m`, or a bare number of seconds. */
import { InputError } from '../errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `value` in milliseconds; an InputError naming `option` and the rule otherwise. */
export function parseDurationOption(option: string, value: string, { min = 0, max = 86_400_000 } = {}): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : NaN;
  if (!(ms >= min && ms <= max)) {
    throw new InputError(`--${option} must be a duration such as 60s, 500ms or 2m, from ${min} ms to ${max / 1000} s, got ${JSON.stringify(value)}`);
  }
  return Math.round(ms);
}
