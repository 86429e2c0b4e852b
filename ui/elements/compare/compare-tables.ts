/**
 * The compare view's tables: configuration (one row per field, the changed ones first and
 * marked, each value that differs from the baseline's highlighted, unchanged ones folded),
 * metrics (the latest value per run, its delta against the baseline, the best of each row
 * marked) and the other results (text, lists, objects: the latest value per run, those
 * that differ from the baseline's highlighted).
 */
import { html, nothing } from 'lit';
import { readsAsBlank } from '../../../core/experiment/blank-text.ts';
import type { Comparison } from '../../../core/records.ts';
import { formatMetric, previewValue } from '../../app/format.ts';
import { userName, userText } from '../user-text.ts';
import { runHeader } from './compare-runs.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function headerRow(api: string, comparison: Comparison, first: string) {
  return html`<tr>
    <th scope="col" class="corner">${first}</th>
    ${comparison.runs.map((run, i) => html`<th scope="col" data-run=${run.id}>${runHeader(api, run, i, run.id === comparison.baseline)}</th>`)}
  </tr>`;
}

/** The most of one value the page shows when it is opened (a result may be megabytes). */
const SHOWN_WHOLE = 100_000;

/** A value as a cell shows it: short ones whole; a long one as its start, which opens (a click, a tap, Enter) on all of it. */
function cellValue(value: unknown, absent: string | undefined) {
  if (absent) return html`<span class="muted" title=${absent}>—</span>`;
  // Quoted, not a blank cell, which reads as nothing recorded.
  if (readsAsBlank(value)) return html`<span class="muted" title=${value ? 'A text of only spaces' : 'An empty text'}>${JSON.stringify(value)}</span>`;
  const preview = previewValue(value, 80);
  if (preview === previewValue(value, Infinity)) return html`<span title=${preview}>${userText(preview)}</span>`;
  const whole = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  const shown = whole.length > SHOWN_WHOLE ? `${whole.slice(0, SHOWN_WHOLE)}\n… (${(whole.length - SHOWN_WHOLE).toLocaleString('en')} more characters: the run's results have it whole)` : whole;
  return html`<details class="long-value"><summary>${userText(preview)}</summary><pre>${userText(shown)}</pre></details>`;
}

/** A row's value per run, each that differs from the baseline's marked; — where a run has none (`missing` says so). */
function valueCells(row: { values: unknown[]; absent: number[]; changed: boolean }, base: number, missing: string) {
  const absent = (i: number) => row.absent.includes(i);
  return row.values.map((value, i) => {
    const differs = row.changed && i !== base && (absent(i) !== absent(base) || !same(value, row.values[base]));
    return html`<td class=${differs ? 'differs' : ''} title=${differs ? 'differs from the baseline' : ''}>${cellValue(value, absent(i) ? missing : undefined)}</td>`;
  });
}

/** The button that shows or hides a table's unchanged rows (`count` of them); nothing when there are none. */
function foldButton(count: number, open: boolean, toggle: () => void) {
  if (!count) return nothing;
  return html`<button type="button" class="fold" aria-expanded=${open ? 'true' : 'false'} @click=${toggle}>
    ${open ? `Hide ${count} unchanged` : `${count} unchanged`}</button>`;
}

/** How {@link foldedTable} shows one kind of row. */
interface FoldedTableSpec<R> {
  /** The region's name, which screen readers read. */
  label: string;
  /** The table's class, and what its rows' data attribute names (`data-field` or `data-key`). */
  kind: 'config' | 'results';
  /** The header of the column of names. */
  first: string;
  /** The tag of a row whose values differ. */
  tag: string;
  /** The tooltip of a run's cell when it has no value. */
  missing: string;
  nameOf(row: R): string;
  /** The line above the table. */
  summary(changed: number, all: number): string | typeof nothing;
}

/** Rows side by side, those that differ first and marked; those the same in every run folded unless `open`. */
function foldedTable<R extends { values: unknown[]; absent: number[]; changed: boolean }>(
  api: string,
  comparison: Comparison,
  rows: readonly R[],
  spec: FoldedTableSpec<R>,
  open: boolean,
  toggle: () => void,
) {
  const base = comparison.runs.findIndex((run) => run.id === comparison.baseline);
  const changed = rows.filter((row) => row.changed);
  const unchanged = rows.filter((row) => !row.changed);
  const row = (each: R) => html`<tr
    class=${each.changed ? 'changed' : 'unchanged'}
    data-field=${spec.kind === 'config' ? spec.nameOf(each) : nothing}
    data-key=${spec.kind === 'results' ? spec.nameOf(each) : nothing}
  >
    <th scope="row"><code>${userName(spec.nameOf(each))}</code>${each.changed ? html` <span class="changed-tag">${spec.tag}</span>` : nothing}</th>
    ${valueCells(each, base, spec.missing)}
  </tr>`;
  const summary = spec.summary(changed.length, rows.length);
  return html`${summary === nothing ? nothing : html`<p class="summary">${summary}</p>`}
    <div class="table-scroll scroll-cue" tabindex="0" role="region" aria-label=${spec.label}>
      <table class="compare ${spec.kind}">
        <thead>${headerRow(api, comparison, spec.first)}</thead>
        <tbody>
          ${changed.map(row)}
          ${open ? unchanged.map(row) : nothing}
        </tbody>
      </table>
    </div>
    ${foldButton(unchanged.length, open, toggle)}`;
}

/**
 * The results that are not numbers (text, lists, objects), side by side, those that differ
 * first; the same in every run folded unless `open`. Nothing when there are none.
 */
export function resultsTable(api: string, comparison: Comparison, open = false, toggle: () => void = () => {}) {
  if (!comparison.results.length) return nothing;
  return foldedTable(api, comparison, comparison.results, {
    label: 'Other results',
    kind: 'results',
    first: 'Result',
    tag: 'differs',
    missing: 'This run recorded no such result',
    nameOf: (result) => result.key,
    summary: (changed) => (changed ? nothing : 'Every result is the same in every run.'),
  }, open, toggle);
}

/** The configuration table; `open`: the unchanged rows shown too. */
export function configurationTable(api: string, comparison: Comparison, open: boolean, toggle: () => void) {
  if (!comparison.configuration.length) return html`<p class="muted">These runs have no configuration.</p>`;
  return foldedTable(api, comparison, comparison.configuration, {
    label: 'Configuration',
    kind: 'config',
    first: 'Field',
    tag: 'changed',
    missing: "Not in this run's configuration: its code had no such field, or it was left unset",
    nameOf: (field) => field.field,
    summary: (changed, all) => (changed ? `${changed} of ${all} fields differ.` : 'Every field is the same in every run.'),
  }, open, toggle);
}

/**
 * A share in percent, short: `0.065`, `13.7`, `2,500` (3 significant digits), then `1.9e6`
 * from 10,000 % on, where a count of digits reads no better than its size. Rounded first,
 * so 99.99 reads `100`, never `1.0e+2`.
 */
function formatPercent(percent: number): string {
  const rounded = Number(percent.toPrecision(3));
  if (rounded >= 1e4) return percent.toExponential(1).replace('e+', 'e');
  return rounded.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** `+0.0123 (+4.5%)`: a delta, and its share of the baseline's value when that is not 0. */
export function formatDelta(delta: number, baseline: number | null): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const size = formatMetric(Math.abs(delta));
  if (baseline === null || baseline === 0 || delta === 0) return `${sign}${size}`;
  return `${sign}${size} (${sign}${formatPercent(Math.abs((delta / baseline) * 100))}%)`;
}

/** The runs (indexes) tied for a row's best value: every one of them is marked, not only the first. */
export function bestRuns(metric: Comparison['metrics'][number]): Set<number> {
  const best = metric.best === null ? null : metric.values[metric.best];
  return new Set(best === null || best === undefined ? [] : metric.values.flatMap((value, i) => (value === best ? [i] : [])));
}

/** The metrics table. */
export function metricsTable(api: string, comparison: Comparison) {
  if (!comparison.metrics.length) return html`<p class="muted">No numeric results yet.</p>`;
  const base = comparison.runs.findIndex((run) => run.id === comparison.baseline);
  // A key that is a number in one run and text (say) in another is in both tables: its
  // cell here shows the run's value that is not a number, not a dash that reads as none.
  const others = new Map(comparison.results.map((row) => [row.key, row]));
  const noValue = (key: string, i: number) => {
    const other = others.get(key);
    if (!other || other.absent.includes(i)) return html`<span class="muted" title="No value yet">—</span>`;
    const value = other.values[i];
    const shown = readsAsBlank(value) ? JSON.stringify(value) : userText(previewValue(value, 24));
    return html`<span class="muted not-number" title="Not a number: this run's latest value (Other results shows it whole)">${shown}</span>`;
  };
  return html`<div class="table-scroll scroll-cue" tabindex="0" role="region" aria-label="Metrics">
    <table class="compare metrics">
      <thead>${headerRow(api, comparison, 'Metric')}</thead>
      <tbody>
        ${comparison.metrics.map((metric) => {
          const bests = bestRuns(metric);
          return html`<tr data-metric=${metric.key}>
            <th scope="row"><code>${userName(metric.key)}</code>
              <span class="goal" title=${metric.goal === 'min' ? 'Lower is better' : 'Higher is better'}>${metric.goal === 'min' ? '↓ lower is better' : '↑ higher is better'}</span></th>
            ${metric.values.map((value, i) => {
              const best = bests.has(i);
              const delta = metric.deltas[i];
              const better = delta !== null && delta !== undefined && delta !== 0 && (metric.goal === 'min' ? delta < 0 : delta > 0);
              return html`<td class="num ${best ? 'best' : ''}" data-run=${comparison.runs[i]?.id ?? ''}>
                ${value === null ? noValue(metric.key, i) : html`<span class="value" title=${String(value)}>${formatMetric(value)}</span>`}
                ${best ? html`<span class="best-mark" title="Best of this row">★<span class="visually-hidden"> best</span></span>` : nothing}
                ${i === base
                  ? html`<span class="delta muted">baseline</span>`
                  : delta === null || delta === undefined
                    ? nothing
                    : html`<span class="delta ${delta === 0 ? '' : better ? 'better' : 'worse'}">${formatDelta(delta, metric.values[base] ?? null)}</span>`}
              </td>`;
            })}
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}
