/** The dashboard's templates: the header row, one instance's row, the empty states. */
import { html, nothing } from 'lit';
import type { Instance } from '../../client/api-client.ts';
import { pageHref } from '../../app/navigation.ts';
import { latestRunTemplate } from '../latest-run.ts';
import { userText } from '../user-text.ts';
import '../athanor-run-counts.ts';

export const headerRow = html`<div class="grid-row head" role="row" aria-rowindex="1">
  <span class="cell instance" role="columnheader">Instance</span>
  <span class="cell experiment" role="columnheader">Experiment</span>
  <span class="cell latest-run" role="columnheader">Latest run</span>
  <span class="cell runs" role="columnheader">Runs</span>
  <span class="cell actions" role="columnheader"><span class="visually-hidden">Actions</span></span>
</div>`;

export interface RowContext {
  api: string;
  starting: ReadonlySet<string>;
  onStart(id: string): void;
  now: number;
}

/** One instance: name and description, experiment, latest run, run counts, Start run · View · Edit. */
export function instanceRow(instance: Instance, index: number, context: RowContext) {
  const { api } = context;
  const href = pageHref(api, `/experiments/${encodeURIComponent(instance.id)}`);
  return html`<div class="grid-row" role="row" aria-rowindex=${index + 2} data-id=${instance.id}>
    <div class="cell instance" role="cell">
      <a class="name" href=${href}>${userText(instance.name)}</a>
      ${instance.description ? html`<div class="description muted" title=${instance.description}>${userText(instance.description)}</div>` : nothing}
    </div>
    <div class="cell experiment" role="cell">
      <a href=${pageHref(api, `/source/${encodeURIComponent(instance.experiment)}`)}><code>${userText(instance.experiment)}</code></a>
      <a class="runs-link" href=${pageHref(api, `/experiments/by-name/${encodeURIComponent(instance.experiment)}/runs`)}
        aria-label="Runs of ${instance.experiment}" title="Every run of ${instance.experiment}, in one table">runs</a>
    </div>
    <div class="cell latest-run" role="cell">${latestRunTemplate(instance.latestRun ?? null, api, context.now)}</div>
    <div class="cell runs" role="cell"><athanor-run-counts .counts=${instance.runCounts}></athanor-run-counts></div>
    <div class="cell actions" role="cell">
      <button type="button" aria-label="Start run of ${instance.name}" ?disabled=${context.starting.has(instance.id)}
        @click=${() => context.onStart(instance.id)}><span aria-hidden="true">▶</span> Start run</button>
      <a class="button" href=${href} aria-label="View ${instance.name}">View</a>
      <a class="button" href="${href}?edit=1" aria-label="Edit the configuration of ${instance.name}">Edit</a>
    </div>
  </div>`;
}

/** What an empty list says: nothing matches the search, nothing of that experiment, or nothing yet (how to start). */
export function emptyState(options: { api: string; experiment?: string; q?: string; experimentNames: readonly string[] }) {
  const { api, experiment, q, experimentNames } = options;
  if (q) return html`<p class="muted">No instance${experiment ? html` of <code>${userText(experiment)}</code>` : ''} has a name containing “${userText(q)}”.</p>`;
  if (experiment) return html`<p class="muted">No instances of <code>${userText(experiment)}</code> yet.</p>`;
  return html`<div class="empty card">
    <h2>No instances yet</h2>
    <p>An <strong>instance</strong> is a named configuration of an experiment. To get going:</p>
    <ol>
      <li>Pick an experiment (see them in <a href=${pageHref(api, '/source')}>Experiments</a>${experimentNames.length
          ? html`: ${experimentNames.map((n, i) => html`${i ? ', ' : ''}<code>${n}</code>`)}`
          : html` — none yet: add a file to <code>experiments/</code>`}).</li>
      <li>Create an instance with <a href=${pageHref(api, '/experiments/new')}>New instance</a> (or press <kbd>n</kbd>).</li>
      <li>Start a run from the instance (press <kbd>r</kbd> there) and watch its logs and results live.</li>
    </ol>
  </div>`;
}
