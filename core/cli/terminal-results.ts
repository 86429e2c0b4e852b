/**
 * A run's results at the end of `athanor run`: the latest value of each key as a short
 * two-column table. Numbers (the metrics one looks for: loss, accuracy) come first, then
 * the rest; keys in natural order (`step_2` before `step_10`). Long keys and values are cut
 * to the terminal's width, and past {@link MAX_ROWS} rows the table says how many it left
 * out. Keys and values come from the experiment: their control characters are escaped.
 */
import { readsAsBlank } from '../experiment/blank-text.ts';
import { escapeControls, stringifyForTerminal } from './terminal-text.ts';

/** Rows shown before the table says how many more there are. */
export const MAX_ROWS = 20;
const MAX_KEY_WIDTH = 32;
const MIN_VALUE_WIDTH = 20;

export interface ResultsTableOptions {
  /** The terminal's width (default 100). */
  columns?: number;
}

const byKey = new Intl.Collator('en', { numeric: true });

const width = (text: string) => [...text].length;

/** `text` cut to `limit` characters, marking the cut with `…`. */
function clip(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/**
 * A value as one line: numbers and JSON as written, text as it is (its newlines and controls
 * shown escaped); a text of only spaces, or none, quoted (a blank reads as no value).
 */
function show(value: unknown): string {
  if (readsAsBlank(value)) return JSON.stringify(value);
  if (typeof value === 'string') return escapeControls(value.replace(/\n/g, '\\n'));
  return stringifyForTerminal(value) ?? String(value);
}

/**
 * The lines of the table of `results` (key → latest value); no lines when there are none.
 *
 * @example
 * formatResultsTable({ sample: 'a cat', loss: 0.25, step_10: 10, step_2: 2 })
 * // ['results:', '  loss     0.25', '  step_2   2', '  step_10  10', '  sample   a cat']
 */
export function formatResultsTable(results: Record<string, unknown>, options: ResultsTableOptions = {}): string[] {
  const entries = Object.entries(results).sort(([a, x], [b, y]) => {
    const numeric = Number(typeof y === 'number') - Number(typeof x === 'number');
    return numeric !== 0 ? numeric : byKey.compare(a, b);
  });
  if (entries.length === 0) return [];
  const shown = entries.slice(0, entries.length > MAX_ROWS ? MAX_ROWS - 1 : MAX_ROWS);
  const keys = shown.map(([key]) => clip(escapeControls(key), MAX_KEY_WIDTH));
  const keyWidth = Math.max(...keys.map(width));
  const valueWidth = Math.max(MIN_VALUE_WIDTH, (options.columns ?? 100) - keyWidth - 5);
  const lines = shown.map(([, value], i) => {
    const key = keys[i]!;
    return `  ${key}${' '.repeat(keyWidth - width(key))}  ${clip(show(value), valueWidth)}`.trimEnd();
  });
  const left = entries.length - shown.length;
  if (left > 0) lines.push(`  … ${left} more (--json prints them all)`);
  return ['results:', ...lines];
}
