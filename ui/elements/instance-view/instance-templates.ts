/**
 * Templates of `<athanor-instance-view>`: the configuration as a readable nested list, and
 * the table of runs.
 */
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Run } from '../../client/api-client.ts';
import { formatDuration, formatProgress, formatTime, shortHash, shortId } from '../../app/format.ts';
import { pageHref } from '../../app/navigation.ts';
import '../athanor-status-badge.ts';
import { userName, userText } from '../user-text.ts';

/** The first characters of a code hash, as runs show their code version. */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A schema's properties, by name (what the configuration card reads of it). */
interface ShapeSchema {
  properties?: Record<string, ShapeSchema>;
  items?: ShapeSchema;
}

/** The keys of `value` in the schema's order (the experiment's declaration order), then any others. */
function orderedEntries(value: Record<string, unknown>, schema: ShapeSchema | undefined): [string, unknown][] {
  const declared = Object.keys(schema?.properties ?? {}).filter((key) => key in value);
  const rest = Object.keys(value).filter((key) => !declared.includes(key));
  return [...declared, ...rest].map((key) => [key, value[key]]);
}

/**
 * A configuration value, nested objects and lists included, as key → value: keys in the
 * order the experiment's schema declares them, every value in the same style.
 */
export function configValue(value: unknown, schema?: ShapeSchema): unknown {
  if (isObject(value)) {
    const entries = orderedEntries(value, schema);
    if (entries.length === 0) return html`<span class="muted">(empty)</span>`;
    return html`<dl class="config">
      ${entries.map(([key, inner]) => html`<dt>${userName(key)}</dt><dd>${configValue(inner, schema?.properties?.[key])}</dd>`)}
    </dl>`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">(no items)</span>`;
    return html`<ol class="config-list">${value.map((item) => html`<li>${configValue(item, schema?.items)}</li>`)}</ol>`;
  }
  if (typeof value === 'string') return value === '' ? html`<span class="muted">(empty text)</span>` : html`<span class="value string">${userText(value)}</span>`;
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="value">${String(value)}</span>`;
}

export interface RunsTableOptions {
  api: string;
  runs: Run[];
  currentHash: string | null | undefined;
  now: number;
  /** The instance's id and current version: each run links to the version it ran. */
  instanceId: string;
  currentVersion: number;
  /** Shows a version in the history (the link's click, so the page need not reload). */
  onVersion: (version: number) => void;
  /** Marks shown under a run's id (what it ran with that a run would not get now). */
  marks?: (run: Run) => unknown;
}

/** The run's configuration version, linked to the history; '—' for runs from before history was kept. */
function versionCell(run: Run, { api, instanceId, currentVersion, onVersion }: RunsTableOptions) {
  const version = run.instanceVersion;
  if (version == null) return html`<span class="muted" title="Run before instance history was kept">—</span>`;
  const href = pageHref(api, `/experiments/${encodeURIComponent(instanceId)}#version-${version}`);
  const older = version < currentVersion;
  return html`<a class="mono version-link" href=${href} aria-label="v${version}, the configuration run ${shortId(run.id)} ran"
    title=${older ? `An earlier configuration than the current v${currentVersion}` : 'The current configuration'}
    @click=${(event: MouseEvent) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onVersion(version);
    }}>v${version}</a>`;
}

/** The instance's runs: status, times, duration, code and configuration versions, and links to logs and results. */
export function runsTable(options: RunsTableOptions) {
  const { api, runs, currentHash, now, marks } = options;
  return html`<div class="table-scroll scroll-cue" tabindex="0" role="region" aria-label="Runs"><table class="runs">
    <caption class="visually-hidden">Runs, newest first</caption>
    <thead>
      <tr>
        <th scope="col">Run</th>
        <th scope="col">Status</th>
        <th scope="col">Started</th>
        <th scope="col">Completed</th>
        <th scope="col">Duration</th>
        <th scope="col">Code</th>
        <th scope="col">Config</th>
        <th scope="col">Output</th>
      </tr>
    </thead>
    <tbody>
      ${repeat(
        runs,
        (run) => run.id,
        (run) => {
          const href = pageHref(api, `/runs/${encodeURIComponent(run.id)}`);
          const stale = !!(currentHash && run.codeHash && run.codeHash !== currentHash);
          const progress = run.status === 'running' && run.progress ? run.progress : undefined;
          return html`<tr data-id=${run.id} data-status=${run.status}>
            <td class="run-id"><a class="mono" href=${href} aria-label="Run ${shortId(run.id)}">${shortId(run.id)}</a>${marks ? marks(run) : nothing}</td>
            <td class="status">
              <athanor-status-badge status=${run.status}></athanor-status-badge>
              ${progress
                ? html`<span class="progress muted">${formatProgress(progress, run.startedAt, now)}${progress.message ? html` · ${userText(progress.message)}` : ''}</span>`
                : nothing}
              ${run.error
                ? html`<div class="run-error ${run.status === 'failed' ? 'error-text' : 'muted'}">${run.status === 'cancelled' ? 'Cancelled: ' : ''}${userText(run.error)}</div>`
                : nothing}
            </td>
            <td data-label="Started">${formatTime(run.startedAt)}</td>
            <td data-label="Completed">${formatTime(run.completedAt)}</td>
            <td data-label="Duration">${formatDuration(run.startedAt, run.completedAt, now)}</td>
            <td data-label="Code">
              <code title=${run.codeHash ?? 'unknown'}>${shortHash(run.codeHash)}</code>
              ${stale && !marks ? html`<span class="stale" title="An older version of the experiment's code">older code</span>` : nothing}
            </td>
            <td data-label="Config">${versionCell(run, options)}</td>
            <td class="links">
              <a href="${href}#logs" aria-label="Logs of run ${shortId(run.id)}">Logs (${run.logCount})</a>
              <a href="${href}#results" aria-label="Results of run ${shortId(run.id)}">Results (${run.resultCount})</a>
            </td>
          </tr>`;
        },
      )}
    </tbody>
  </table></div>`;
}
