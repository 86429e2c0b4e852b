/**
 * An instance's latest run as lists show it (the dashboard, the source pane): its status,
 * when, and up to three headline metrics. A template, not an element, so a list of
 * thousands of rows pays for no extra shadow roots; hosts add {@link latestRunStyles}.
 */
import { css, html, nothing } from 'lit';
import type { LatestRun } from '../../core/records.ts';
import type { Run } from '../client/api-client.ts';
import { formatAgo, formatMetric, formatTime, shortId } from '../app/format.ts';
import { pageHref } from '../app/navigation.ts';
import { isBehind } from '../state/fresher-run.ts';
import './athanor-status-badge.ts';
import { userText } from './user-text.ts';

/** How many metrics a row shows. */
export const HEADLINE_METRICS = 3;

export const latestRunStyles = css`
  .latest {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px var(--ath-space-2);
    min-width: 0;
  }
  .latest .when {
    font-size: var(--ath-small);
    white-space: nowrap;
  }
  .metrics {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--ath-space-2);
    margin: 0;
    font-size: var(--ath-small);
    min-width: 0;
  }
  .metrics div {
    display: flex;
    gap: 4px;
    min-width: 0;
  }
  .metrics dt {
    color: var(--ath-text-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 12ch;
  }
  .metrics dd {
    margin: 0;
    font-family: var(--ath-mono);
    font-variant-numeric: tabular-nums;
  }
`;

/**
 * The latest run of a list from a run a live event brought: its metrics stay when it is the
 * same run, and so does all of it when the event's status is behind the one shown (the
 * stream sending again what came before the list's read).
 */
export function latestFromRun(run: Run, previous: LatestRun | null | undefined): LatestRun {
  if (previous?.id === run.id && isBehind(run.status, previous.status)) return previous;
  return {
    id: run.id,
    status: run.status,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    metrics: previous?.id === run.id ? previous.metrics : {},
  };
}

/** The metrics of a latest run, at most {@link HEADLINE_METRICS}, as a description list. */
export function metricsList(metrics: Record<string, number>) {
  const shown = Object.entries(metrics).slice(0, HEADLINE_METRICS);
  if (!shown.length) return nothing;
  return html`<dl class="metrics" aria-label="Latest metrics">
    ${shown.map(([key, value]) => html`<div><dt title=${key}>${userText(key)}</dt><dd title=${String(value)}>${formatMetric(value)}</dd></div>`)}
  </dl>`;
}

/** Status badge (a link to the run), when it ran, its headline metrics; "never run" without one. */
export function latestRunTemplate(run: LatestRun | null | undefined, api: string, now = Date.now()) {
  if (!run) return html`<span class="muted">never run</span>`;
  const when = run.completedAt ?? run.startedAt ?? run.createdAt;
  const verb = run.completedAt ? 'ended' : run.startedAt ? 'started' : 'created';
  return html`<div class="latest">
    <a href=${pageHref(api, `/runs/${encodeURIComponent(run.id)}`)} title="The latest run, ${shortId(run.id)}"
      ><span class="visually-hidden">Run ${shortId(run.id)}</span><athanor-status-badge status=${run.status}></athanor-status-badge></a>
    <time class="when muted" datetime=${when} title="${verb} ${formatTime(when)}">${formatAgo(when, now)}</time>
    ${metricsList(run.metrics)}
  </div>`;
}
