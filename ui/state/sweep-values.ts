/**
 * Reads the values a sweep tries for one field from what the user typed: a list
 * (`0.1, 0.5, 1`) or, for numbers, a range (`0..1 step 0.25`, also the CLI's `0..1:0.25`).
 *
 * A stand-in until the server's grid parser (core/experiment/sweep-grid.ts) is on main:
 * one parser in the end, so the form and `athanor sweep --grid` read values alike.
 */

/** The values typed, or why they cannot be read. */
export type SweepValuesResult = { ok: true; values: unknown[] } | { ok: false; error: string };

/** The most values one field may expand to (a sweep has at most 1,000 combinations anyway). */
export const MAX_FIELD_VALUES = 1000;

const RANGE = /^(-?[\d.e+-]+)\s*\.\.\s*(-?[\d.e+-]+)\s*(?:(?:step\s+|:)\s*(-?[\d.e+-]+))?$/i;

const decimals = (text: string) => {
  const [, fraction = ''] = /\.(\d+)/.exec(text) ?? [];
  const exponent = /e(-?\d+)/i.exec(text);
  return Math.max(0, fraction.length - (exponent ? Number(exponent[1]) : 0));
};

function parseNumber(text: string, integer: boolean): number | string {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) return `"${text}" is not a number`;
  if (integer && !Number.isInteger(value)) return `${text} is not an integer`;
  return value;
}

function parseRange(match: RegExpExecArray, integer: boolean): SweepValuesResult {
  const [, fromText = '', toText = '', stepText] = match;
  const from = parseNumber(fromText, integer);
  const to = parseNumber(toText, integer);
  const step = stepText === undefined ? 1 : parseNumber(stepText, integer);
  for (const part of [from, to, step]) if (typeof part === 'string') return { ok: false, error: part };
  const [a, b, s] = [from as number, to as number, step as number];
  if (s <= 0) return { ok: false, error: `the step must be above 0, got ${stepText}` };
  if (b < a) return { ok: false, error: `the range ${fromText}..${toText} goes down: write the smaller number first` };
  const count = Math.floor((b - a) / s + 1e-9) + 1;
  if (count > MAX_FIELD_VALUES) return { ok: false, error: `${fromText}..${toText} step ${stepText ?? 1} has ${count.toLocaleString('en')} values, more than ${MAX_FIELD_VALUES.toLocaleString('en')}` };
  // Rounded to the inputs' decimals, so 0..1 step 0.1 gives 0.3, not 0.30000000000000004.
  const places = Math.max(decimals(fromText), decimals(stepText ?? '1'));
  return { ok: true, values: Array.from({ length: count }, (_, i) => Number((a + i * s).toFixed(places))) };
}

/**
 * The values of `text` for a field of `type` (`integer`, `number` or `string`): numbers as a
 * comma-separated list or a range, strings as a comma-separated list. Duplicates are dropped.
 *
 * @example
 * parseSweepValues('0..1 step 0.5', 'number') // {ok: true, values: [0, 0.5, 1]}
 */
export function parseSweepValues(text: string, type: 'integer' | 'number' | 'string'): SweepValuesResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'enter the values to try, separated by commas' };
  const numeric = type !== 'string';
  if (numeric) {
    const range = RANGE.exec(trimmed);
    if (range) return parseRange(range, type === 'integer');
  }
  const values: unknown[] = [];
  for (const part of trimmed.split(',').map((p) => p.trim())) {
    if (!part) return { ok: false, error: 'an empty value between commas' };
    const value = numeric ? parseNumber(part, type === 'integer') : part;
    if (numeric && typeof value === 'string') return { ok: false, error: value };
    if (!values.includes(value)) values.push(value);
  }
  if (values.length > MAX_FIELD_VALUES) return { ok: false, error: `${values.length} values, more than ${MAX_FIELD_VALUES}` };
  return { ok: true, values };
}
