/**
 * The compare view's charts: one per numeric series key, one line per run, overlaid, with
 * a legend naming each run by instance and id in its colour.
 */
import { html } from 'lit';
import type { Comparison } from '../../../core/records.ts';
import { userText } from '../user-text.ts';
import { formatMetric } from '../runs-table/runs-table-columns.ts';
import { runName, runSwatch } from './compare-runs.ts';

export function chartsSection(comparison: Comparison) {
  if (!comparison.series.length) return html`<p class="muted">No result key has a series of numbers yet.</p>`;
  const index = new Map(comparison.runs.map((run, i) => [run.id, i]));
  return html`<div class="charts">
    ${comparison.series.map(
      (series) => html`<figure class="chart" data-key=${series.key}>
        <figcaption><code>${userText(series.key)}</code></figcaption>
        <ul class="legend">
          ${series.runs.map((line) => {
            const i = index.get(line.run) ?? 0;
            const run = comparison.runs[i];
            const last = line.points.at(-1);
            return html`<li><span class="swatch" style=${runSwatch(i)} aria-hidden="true"></span>${run ? userText(runName(run)) : line.run}
              <span class="muted">${line.total.toLocaleString('en-US')} points${last ? `, last ${formatMetric(last[1])}` : ''}</span></li>`;
          })}
        </ul>
      </figure>`,
    )}
  </div>`;
}
