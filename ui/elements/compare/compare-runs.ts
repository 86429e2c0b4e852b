/**
 * How the compare view names and colours its runs: one colour per run (the same in the
 * tables' headers, the charts' lines and the logs' columns), and a short name that tells
 * runs of one instance apart.
 */
import { html } from 'lit';
import type { ComparedRun } from '../../../core/records.ts';
import { shortId } from '../../app/format.ts';
import { pageHref } from '../../app/navigation.ts';
import { userText } from '../user-text.ts';

/** Tableau 10: distinct on light and dark backgrounds, and for most colour-blind readers. */
export const RUN_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export const runColor = (index: number): string => RUN_COLORS[index % RUN_COLORS.length]!;

/** `baseline · 1a2b3c4d`: the instance's name and the run's short id. */
export const runName = (run: ComparedRun): string => `${run.instanceName} · ${shortId(run.id)}`;

/** A run as a column header: its colour, instance, id (a link) and status. */
export function runHeader(api: string, run: ComparedRun, index: number, baseline: boolean) {
  return html`<span class="run-head">
    <span class="swatch" style="background: ${runColor(index)}" aria-hidden="true"></span>
    <span class="run-names">
      <a class="instance" href=${pageHref(api, `/experiments/${encodeURIComponent(run.instanceId)}`)}>${userText(run.instanceName)}</a>
      <span class="run-line"
        ><a class="mono" href=${pageHref(api, `/runs/${encodeURIComponent(run.id)}`)} title=${run.id}>${shortId(run.id)}</a>
        <athanor-status-badge status=${run.status}></athanor-status-badge>
        ${baseline ? html`<span class="baseline-tag">baseline</span>` : ''}</span
      >
    </span>
  </span>`;
}
