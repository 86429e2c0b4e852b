/**
 * The runs table's columns: the run's own (run, instance, status, started, duration), one
 * per configuration field (groups flattened: `config.sampling.top_k`) and one per metric
 * (the latest numeric value of a result key: `metrics.loss`). Column ids are the names the
 * API sorts and filters by.
 */
import type { RunsTablePage, RunsTableRow } from '../../../core/records.ts';

export type ColumnKind = 'run' | 'config' | 'metric';

export interface RunsColumn {
  /** The API's name: `run`, `startedAt`, `config.lr`, `metrics.loss`. */
  id: string;
  /** What the header says: `Started`, `lr`, `loss`. */
  label: string;
  kind: ColumnKind;
  /** Its width in px (every row lays its cells out on one grid). */
  width: number;
  /** Right-aligned, as numbers read. */
  numeric: boolean;
}

/** The run's own columns, always offered, in this order. */
export const RUN_COLUMNS: readonly RunsColumn[] = Object.freeze([
  { id: 'run', label: 'Run', kind: 'run', width: 96, numeric: false },
  { id: 'instance', label: 'Instance', kind: 'run', width: 220, numeric: false },
  { id: 'status', label: 'Status', kind: 'run', width: 184, numeric: false }, // the chip and a worker's name (issue 16)
  { id: 'startedAt', label: 'Started', kind: 'run', width: 168, numeric: false },
  { id: 'duration', label: 'Duration', kind: 'run', width: 104, numeric: true },
]);

/** The column that is always shown: without it a row links nowhere. */
export const REQUIRED_COLUMN = 'run';

const CONFIG = 'config.';
const METRICS = 'metrics.';

/** Every column the page's runs offer: the run's own, then configuration, then metrics. */
export function availableColumns(offered: RunsTablePage['columns'] | undefined): RunsColumn[] {
  const config = (offered?.configuration ?? []).map((name) => name.replace(/^config\./, ''));
  const metrics = (offered?.metrics ?? []).map((name) => name.replace(/^metrics\./, ''));
  return [
    ...RUN_COLUMNS,
    ...config.map((path): RunsColumn => ({ id: CONFIG + path, label: path, kind: 'config', width: Math.min(220, Math.max(96, path.length * 8 + 40)), numeric: false })),
    ...metrics.map((key): RunsColumn => ({ id: METRICS + key, label: key, kind: 'metric', width: Math.min(200, Math.max(104, key.length * 8 + 40)), numeric: true })),
  ];
}

/** The columns shown for a choice (null: all), in the table's order; the run column always. */
export function shownColumns(available: readonly RunsColumn[], chosen: readonly string[] | null): RunsColumn[] {
  if (!chosen) return [...available];
  const wanted = new Set([...chosen, REQUIRED_COLUMN]);
  return available.filter((column) => wanted.has(column.id));
}

/** The `columns=` the API gets: the configuration and metric columns shown (undefined: all). */
export function requestedColumns(chosen: readonly string[] | null): string[] | undefined {
  if (!chosen) return undefined;
  return chosen.filter((id) => id.startsWith(CONFIG) || id.startsWith(METRICS));
}

/** `{sampling: {top_k: 5}}` → `{'sampling.top_k': 5}`; lists and other values stay whole. */
export function flattenConfiguration(configuration: Record<string, unknown> | null | undefined, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(configuration ?? {})) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(flat, flattenConfiguration(value as Record<string, unknown>, `${prefix}${key}.`));
    else flat[prefix + key] = value;
  }
  return flat;
}

/** A row's value in a configuration or metric column (undefined: it has none). */
export function cellValue(row: RunsTableRow, column: RunsColumn): unknown {
  if (column.kind === 'metric') return row.metrics[column.id.slice(METRICS.length)];
  if (column.kind === 'config') return flattenConfiguration(row.configuration)[column.id.slice(CONFIG.length)];
  return undefined;
}

/** The grid's column template and its width in px (`leading`: the selection column). */
export function gridTemplate(columns: readonly RunsColumn[], leading: number): { template: string; width: number } {
  const widths = [leading, ...columns.map((c) => c.width)];
  // The instance column takes what is left of a wide screen.
  const template = [`${leading}px`, ...columns.map((c) => (c.id === 'instance' ? `minmax(${c.width}px, 1fr)` : `${c.width}px`))].join(' ');
  return { template, width: widths.reduce((a, b) => a + b, 0) };
}
