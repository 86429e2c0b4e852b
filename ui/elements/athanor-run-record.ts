/**
 * `<athanor-run-record>`: what a run ran with — its configuration (each difference from its
 * instance's configuration now marked), its environment (Node, athanor, platform, host,
 * git) and its code (the source at that version, and its diff with the current source).
 * Follows the run (its record is kept when it starts), its instance and its experiment live.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { ApiError, apiClient, type ExperimentInfo, type Instance, type RunDetail } from '../client/api-client.ts';
import { LiveEventsController } from '../state/live-events.ts';
import type { ConfigShape } from '../state/config-diff.ts';
import { theme } from '../styles/theme.ts';
import { configurationTemplate, environmentTemplate } from './run-record/run-record-templates.ts';
import { markStyles, runRecordStyles } from './run-record/run-record-styles.ts';
import { userText } from './user-text.ts';
import './athanor-code-snapshot.ts';
import './athanor-code-diff.ts';
import { omittedCode, shortHash } from '../app/format.ts';

/** The code views that can be open. */
type CodeView = 'source' | 'diff';

/**
 * A run's record.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr run-id - the run
 */
export class AthanorRunRecord extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    run: { state: true },
    instance: { state: true },
    experiment: { state: true },
    problem: { state: true },
    opened: { state: true },
    gitDiffOpen: { state: true },
  };
  static override styles = [theme, markStyles, runRecordStyles];

  declare api: string;
  declare runId: string;
  declare run: RunDetail | undefined;
  declare instance: Instance | undefined;
  declare experiment: ExperimentInfo | undefined;
  declare problem: string | undefined;
  declare opened: ReadonlySet<CodeView>;
  declare gitDiffOpen: boolean;

  #loadToken = 0;

  // The record is written when the run starts: a status change is when to read it again.
  #runLive = new LiveEventsController(this, () => (this.runId ? { api: this.api, filter: { run: this.runId } } : undefined), {
    'run.status': ({ run }) => {
      if (run.id === this.run?.id && (run.status !== this.run.status || run.codeHash !== this.run.codeHash)) void this.#loadRun();
    },
    reset: () => void this.#load(),
  });
  // experiment.* and instance.updated come on the unfiltered stream.
  #othersLive = new LiveEventsController(this, () => (this.runId ? { api: this.api } : undefined), {
    'instance.updated': ({ instance }) => {
      if (instance.id === this.instance?.id) this.instance = instance;
    },
    'experiment.changed': ({ experiment }) => {
      if (experiment.name === this.instance?.experiment) this.experiment = experiment;
    },
  });

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.opened = new Set();
    this.gitDiffOpen = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('runId')) {
      this.run = this.instance = this.experiment = this.problem = undefined;
      this.#runLive.retarget();
      this.#othersLive.retarget();
      void this.#load();
    }
  }

  /** Opens or closes the source at this version (`source`) or the diff with the current source (`diff`). */
  toggleCode(view: CodeView, open = !this.opened.has(view)): void {
    const next = new Set(this.opened);
    if (open) next.add(view);
    else next.delete(view);
    this.opened = next;
  }

  /** Reads the run, its instance and its experiment (what is shown stays until the answers come). */
  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    if (!this.runId) return;
    const client = apiClient(this.api);
    try {
      const run = await client.getRun(this.runId);
      // Shown with what it is compared with, or it would read "the same" until they come.
      const instance = await client.getInstance(run.instanceId).catch(() => undefined);
      const experiment = instance ? await client.getExperiment(instance.experiment).catch(() => undefined) : undefined;
      if (token !== this.#loadToken) return;
      this.run = run;
      this.instance = instance;
      this.experiment = experiment;
      this.problem = undefined;
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.problem = error instanceof ApiError && error.status === 404 ? `Run ${this.runId} not found.` : `Could not load the run: ${(error as Error).message}`;
    }
  }

  async #loadRun(): Promise<void> {
    const token = this.#loadToken;
    const run = await apiClient(this.api).getRun(this.runId).catch(() => undefined);
    if (run && token === this.#loadToken) this.run = run;
  }

  #codeStatus(run: RunDetail) {
    const current = this.experiment?.codeHash;
    if (!run.codeHash || !current) return nothing;
    return run.codeHash === current
      ? html`<span class="muted">· the same as the experiment's code now</span>`
      : html`<span class="mark older-code" title="The experiment's code is now ${current.slice(0, 7)}">older code</span>
          <span class="muted">· the experiment's code is now <code>${current.slice(0, 7)}</code></span>`;
  }

  #code(run: RunDetail) {
    const code = run.code;
    if (!code) {
      const why = !run.codeHash ? (run.status === 'pending' ? 'Kept when the run starts.' : 'Not kept: this run never started.') : 'Not kept: this run is from before runs kept their code.';
      return html`<p class="muted">${why}</p>`;
    }
    const imports = code.files.length - 1;
    const experiment = this.instance?.experiment;
    const toggle = (view: CodeView, label: string, disabled = false) =>
      html`<button type="button" aria-expanded=${this.opened.has(view) ? 'true' : 'false'} aria-controls="code-${view}" ?disabled=${disabled}
        @click=${() => this.toggleCode(view)}>${label}</button>`;
    return html`
      <p class="code-line">
        <code title=${code.hash}>${shortHash(code.hash)}</code> · <code>${userText(code.entry)}</code>${imports > 0
          ? html` and ${imports} local ${imports === 1 ? 'import' : 'imports'}`
          : nothing}
        ${this.#codeStatus(run)}
      </p>
      ${code.note ? html`<p class="muted" role="note">Some of this code was not kept: ${userText(omittedCode(code.note))}</p>` : nothing}
      <div class="row code-actions">
        ${toggle('source', 'View source at this version')} ${toggle('diff', 'Diff with the current source', !experiment)}
      </div>
      <div id="code-source" class="code-view" ?hidden=${!this.opened.has('source')}>
        ${this.opened.has('source') ? html`<athanor-code-snapshot api=${this.api} run-id=${run.id}></athanor-code-snapshot>` : nothing}
      </div>
      <div id="code-diff" class="code-view" ?hidden=${!this.opened.has('diff')}>
        ${this.opened.has('diff') && experiment
          ? html`<athanor-code-diff api=${this.api} run-id=${run.id} experiment=${experiment} code-hash=${this.experiment?.codeHash ?? nothing}></athanor-code-diff>`
          : nothing}
      </div>
    `;
  }

  override render() {
    if (!this.runId) return nothing;
    if (this.problem) return html`<p class="error-text" role="alert">${userText(this.problem)}</p>`;
    const run = this.run;
    if (!run) return html`<p class="muted" role="status">Loading what the run ran with…</p>`;
    const schema = (this.experiment?.schema ?? undefined) as ConfigShape | undefined;
    return html`
      <div class="columns">
        <section class="card" aria-labelledby="configuration-title">
          <h2 id="configuration-title">Configuration</h2>
          ${configurationTemplate({ api: this.api, run, instance: this.instance, schema })}
        </section>
        <section class="card" aria-labelledby="environment-title">
          <h2 id="environment-title">Environment</h2>
          ${environmentTemplate({ run, diffOpen: this.gitDiffOpen, onToggleDiff: () => (this.gitDiffOpen = !this.gitDiffOpen) })}
        </section>
      </div>
      <section class="card" aria-labelledby="code-title">
        <h2 id="code-title">Code</h2>
        ${this.#code(run)}
      </section>
    `;
  }
}

if (!customElements.get('athanor-run-record')) customElements.define('athanor-run-record', AthanorRunRecord);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-run-record': AthanorRunRecord;
  }
}
