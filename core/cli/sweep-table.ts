/**
 * The table `athanor sweep` ends with: one row per run — its instance, its status, the
 * value of each field the grid varied, and its latest metrics — fitted to the terminal.
 * Metrics come in the order lists show them (measures before counters, natural order),
 * at most {@link MAX_METRIC_COLUMNS}; the instance column gives way first when the
 * terminal is narrow. Text from experiments is escaped (terminal-text.ts).
 */
import { formatGridValue } from '../experiment/sweep-grid.ts';
import { headlineMetrics } from '../experiments/headline-metrics.ts';
import type { RunStatus } from '../records.ts';
import { escapeControls } from './terminal-text.ts';

/** Metric columns shown; `--json` has them all. */
export const MAX_METRIC_COLUMNS = 6;
const MAX_CELL = 32;
const MIN_INSTANCE = 12;

/** One run of the sweep, as the table shows it. */
export interface SweepTableRow {
  instance: string;
  status: RunStatus;
  configuration: Record<string, unknown> | null;
  metrics: Record<string, number>;
}

const width = (text: string) => [...text].length;
const clip = (text: string, limit: number) => (width(text) <= limit ? text : `${[...text].slice(0, Math.max(1, limit - 1)).join('')}…`);

/** The value at a dotted path of a configuration (`sampling.top_k`). */
function valueAt(configuration: Record<string, unknown> | null, path: string): unknown {
  let node: unknown = configuration;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A metric as a table shows it: integers whole, others to 4 significant digits. */
export function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/**
 * The lines of the table of `rows` for the grid's `fields`, at most `columns` wide.
 *
 * @example
 * formatSweepTable([{ instance: 'lr · model=large', status: 'completed', configuration: { model: 'large' }, metrics: { loss: 0.2 } }], ['model'])
 * // ['instance          status     model  loss', 'lr · model=large  completed  large  0.2']
 */
export function formatSweepTable(rows: readonly SweepTableRow[], fields: readonly string[], options: { columns?: number } = {}): string[] {
  const allMetrics = Object.keys(headlineMetrics(Object.fromEntries(rows.flatMap((row) => Object.entries(row.metrics))), Infinity));
  const metrics = allMetrics.slice(0, MAX_METRIC_COLUMNS);
  const header = ['instance', 'status', ...fields, ...metrics].map((text) => clip(escapeControls(text), MAX_CELL));
  const cells = rows.map((row) => [
    escapeControls(row.instance),
    row.status,
    ...fields.map((field) => {
      const value = valueAt(row.configuration, field);
      return value === undefined ? '' : clip(escapeControls(formatGridValue(value).replace(/\n/g, '\\n')), MAX_CELL);
    }),
    ...metrics.map((key) => (row.metrics[key] === undefined ? '' : formatMetric(row.metrics[key]!))),
  ]);
  const widths = header.map((text, i) => Math.max(width(text), ...cells.map((row) => width(row[i]!))));
  // The instance column takes what the others leave of the terminal's width.
  const others = widths.slice(1).reduce((sum, w) => sum + w + 2, 0);
  widths[0] = Math.max(MIN_INSTANCE, Math.min(widths[0]!, (options.columns ?? 120) - others));
  const line = (row: string[]) =>
    row
      .map((text, i) => {
        const shown = clip(text, widths[i]!);
        return shown + ' '.repeat(widths[i]! - width(shown));
      })
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...cells.map(line)];
  if (allMetrics.length > metrics.length) lines.push(`… ${allMetrics.length - metrics.length} more metrics (--json prints them all)`);
  return lines;
}
