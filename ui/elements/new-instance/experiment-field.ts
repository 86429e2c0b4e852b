/** The new-instance form's experiment field: the experiments, those that fail to load disabled with why. */
import { html, nothing } from 'lit';
import type { ExperimentInfo } from '../../client/api-client.ts';
import { pageHref } from '../../app/navigation.ts';
import { showDirectionControls, userText } from '../user-text.ts';

export interface ExperimentFieldOptions {
  api: string;
  list: readonly ExperimentInfo[];
  /** The experiment configured now (one that loads). */
  chosen: ExperimentInfo | undefined;
  /** The experiment asked for, loading or not. */
  wanted: string | undefined;
  /** The experiment the page was opened for, when there is none of that name. */
  missing?: string | undefined;
  onChoose(name: string): void;
}

/** What the field says when no experiment can be configured: which, and why. */
function noExperiment({ api, list, wanted: name, missing }: ExperimentFieldOptions) {
  if (missing) {
    return html`<span class="error-text">There is no experiment named <strong>${userText(missing)}</strong> (its file may have been removed or renamed).</span>
      ${list.some((e) => !e.error && e.schema) ? 'Choose another.' : ''}`;
  }
  const wanted = list.find((e) => e.name === name);
  if (wanted?.error) {
    return html`<span class="error-text"><strong>${userText(wanted.name)}</strong> fails to load: ${userText(wanted.error.message)}</span><br />
      Fix <a href=${pageHref(api, `/source/${encodeURIComponent(wanted.name)}`)}>its source</a>${list.some((e) => !e.error && e.schema)
        ? ', or choose another experiment'
        : ''}.`;
  }
  return list.some((e) => !e.error && e.schema) ? 'Choose an experiment.' : 'Every experiment fails to load: fix one to configure it.';
}

export function experimentField(options: ExperimentFieldOptions) {
  const { api, list, chosen: experiment } = options;
  const broken = list.filter((e) => e.error);
  return html`<div class="field">
    <label for="experiment">Experiment<span class="required" aria-hidden="true"> *</span></label>
    <select id="experiment" required aria-describedby="experiment-help" @change=${(e: Event) => options.onChoose((e.target as HTMLSelectElement).value)}>
      ${experiment ? nothing : html`<option value="" selected>— choose —</option>`}
      ${list.map(
        (e) => html`<option value=${e.name} ?disabled=${!!e.error || !e.schema} ?selected=${e.name === experiment?.name}>
          ${showDirectionControls(`${e.name}${e.error ? ` — failed to load: ${e.error.message.slice(0, 80)}` : ''}`)}
        </option>`,
      )}
    </select>
    <div class="help" id="experiment-help">
      ${experiment
        ? html`${experiment.description ? userText(experiment.description) : 'No description.'} ·
            <a href=${pageHref(api, `/source/${encodeURIComponent(experiment.name)}`)}>source</a>`
        : noExperiment(options)}
      ${broken.length
        ? html`<br />${broken.length} ${broken.length === 1 ? 'experiment fails' : 'experiments fail'} to load and cannot be chosen:
            ${broken.map((e, i) => html`${i ? ', ' : ''}<code>${userText(e.name)}</code>`)}.`
        : nothing}
    </div>
  </div>`;
}

/** `list` with `experiment` added, or in place of the one of its name (a live change). */
export function withExperiment(list: readonly ExperimentInfo[], experiment: ExperimentInfo): ExperimentInfo[] {
  const index = list.findIndex((e) => e.name === experiment.name);
  return index === -1 ? [...list, experiment] : list.map((e, i) => (i === index ? experiment : e));
}

/** The form's page while there is no experiment to choose: loading, failed to load (with Retry), or none yet. */
export function noExperiments(api: string, experiments: readonly ExperimentInfo[] | undefined, loadError: string | undefined, retry: () => void) {
  if (loadError && !experiments) {
    return html`<h1>New instance</h1>
      <p class="alert error-text" role="alert">Could not load the experiments: ${userText(loadError)}</p>
      <button type="button" @click=${retry}>Retry</button>`;
  }
  if (!experiments) return html`<h1>New instance</h1><p class="muted" role="status">Loading experiments…</p>`;
  return html`<h1>New instance</h1>
    <p>No experiments yet. Write one in the <code>experiments/</code> folder, or
      <a href=${pageHref(api, '/source')}>create one from a template</a>.</p>`;
}
