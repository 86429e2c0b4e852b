/**
 * The compare view's charts: one `<athanor-chart>` per numeric series key, one line per run
 * overlaid, labelled by instance and run id in the run's colour (the legend shows each
 * run's value under the cursor), with a log-scale toggle. Series come downsampled from the
 * server, extremes kept; a note says so when they are.
 */
import { html } from 'lit';
import type { Comparison } from '../../../core/records.ts';
import '../athanor-chart.ts';
import type { ChartSeries } from '../athanor-chart.ts';
import { userText } from '../user-text.ts';
import { runName } from './compare-runs.ts';

/** Each run's line of one series key, labelled by its run, in the comparison's run order (so colours match). */
export function chartLines(comparison: Comparison, series: Comparison['series'][number]): ChartSeries[] {
  const lines = new Map(series.runs.map((line) => [line.run, line]));
  return comparison.runs.map((run) => ({ label: runName(run), points: lines.get(run.id)?.points ?? [] }));
}

export function chartsSection(comparison: Comparison) {
  if (!comparison.series.length) return html`<p class="muted">No result key has a series of numbers yet.</p>`;
  return html`<div class="charts">
    ${comparison.series.map((series) => {
      const shown = series.runs.reduce((sum, line) => sum + line.points.length, 0);
      const total = series.runs.reduce((sum, line) => sum + line.total, 0);
      return html`<figure class="chart" data-key=${series.key}>
        <figcaption><code>${userText(series.key)}</code>${total > shown
          ? html` <span class="muted">· ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} points (each run's extremes kept)</span>`
          : ''}</figcaption>
        <athanor-chart label=${`${series.key} by run`} .series=${chartLines(comparison, series)} .height=${220}></athanor-chart>
      </figure>`;
    })}
  </div>`;
}
