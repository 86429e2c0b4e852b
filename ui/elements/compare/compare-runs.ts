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

/** The charts' palette (the theme's `--ath-series-N`): past it, lines repeat its colours dashed, then dotted. */
const PALETTE_SIZE = 8;

/** Run `index`'s colour, as its chart line has it. */
export const runColor = (index: number): string => `var(--ath-series-${(index % PALETTE_SIZE) + 1}, var(--ath-accent))`;

/** A swatch's background: the run's colour, striped as its line is dashed or dotted past the palette. */
export function runSwatch(index: number): string {
  const color = runColor(index);
  const round = Math.floor(index / PALETTE_SIZE) % 3;
  if (round === 0) return `background: ${color}`;
  const [on, off] = round === 1 ? [5, 2] : [2, 2];
  return `background: repeating-linear-gradient(90deg, ${color} 0 ${on}px, transparent ${on}px ${on + off}px)`;
}

/** `baseline · 1a2b3c4d`: the instance's name and the run's short id. */
export const runName = (run: ComparedRun): string => `${run.instanceName} · ${shortId(run.id)}`;

/**
 * A run's instance name in a narrow header: each ` · `-separated part (a sweep's
 * `field=value`) is a unit of its own, so lines break between parts, not inside
 * `latency_ms=100`; a part wider than the column still breaks, as a last resort.
 */
function nameParts(name: string) {
  const parts = name.split(' · ');
  return parts.map((part, i) => html`<span class="name-part">${userText(part)}</span>${i < parts.length - 1 ? ' · ' : ''}`);
}

/** A run as a column header: its colour, instance, id (a link) and status. */
export function runHeader(api: string, run: ComparedRun, index: number, baseline: boolean) {
  return html`<span class="run-head">
    <span class="swatch" style=${runSwatch(index)} aria-hidden="true"></span>
    <span class="run-names">
      <a class="instance" href=${pageHref(api, `/experiments/${encodeURIComponent(run.instanceId)}`)} title=${run.instanceName}>${nameParts(run.instanceName)}</a>
      <span class="run-line"
        ><a class="mono" href=${pageHref(api, `/runs/${encodeURIComponent(run.id)}`)} title=${run.id}>${shortId(run.id)}</a>
        <athanor-status-badge status=${run.status}></athanor-status-badge>
        ${baseline ? html`<span class="baseline-tag">baseline</span>` : ''}</span
      >
      ${run.error && run.status !== 'completed' ? html`<span class="run-error" title=${run.error}>${userText(run.error)}</span>` : ''}
    </span>
  </span>`;
}
