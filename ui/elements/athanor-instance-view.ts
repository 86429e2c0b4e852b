/**
 * `<athanor-instance-view>`: one instance — its details, configuration and runs — with
 * Start run, Edit, Clone, Sweep… and Delete; live.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { apiClient, ApiError, type ExperimentInfo, type Instance, type Run } from '../client/api-client.ts';
import { formatTime } from '../app/format.ts';
import { navigate, pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { fresherRun, mergeFetchedRuns, withOutput } from '../state/fresher-run.ts';
import { theme } from '../styles/theme.ts';
import { instanceViewStyles } from './instance-view/instance-view-styles.ts';
import { shortHash } from '../app/format.ts';
import { configValue, runsTable } from './instance-view/instance-templates.ts';
import { cloneDialog, deleteDialog } from './instance-view/instance-dialogs.ts';
import { runMarks } from './instance-view/run-marks.ts';
import { markStyles } from './run-record/run-record-styles.ts';
import './athanor-instance-editor.ts';
import './athanor-instance-history.ts';
import { ScrollCue } from './scroll-cue.ts';
import { userText } from './user-text.ts';

/**
 * An instance's page: name, description, experiment (linked to its source), configuration,
 * timestamps, its runs (status, times, duration, code and configuration versions, links to
 * logs and results; paged) and its history of versions. Says when the experiment's code
 * changed since the last run. Runs' statuses and progress, the instance and its experiment
 * follow live. A `#version-N` fragment in the page's address shows that version.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr instance-id - the instance to show
 * @attr edit - open the configuration editor once loaded
 * @attr page-size - runs per page (default 25)
 */
export class AthanorInstanceView extends LitElement {
  static override properties = {
    api: {},
    instanceId: { attribute: 'instance-id' },
    edit: { type: Boolean },
    pageSize: { attribute: 'page-size', type: Number },
    instance: { state: true },
    experimentInfo: { state: true },
    runs: { state: true },
    next: { state: true },
    problem: { state: true },
    notice: { state: true },
    busy: { state: true },
    dialogError: { state: true },
    now: { state: true },
  };
  static override styles = [theme, instanceViewStyles, markStyles];

  declare api: string;
  declare instanceId: string;
  declare edit: boolean;
  declare pageSize: number;
  declare instance: Instance | undefined;
  declare experimentInfo: ExperimentInfo | undefined;
  declare runs: Run[];
  declare next: string | null;
  /** Why the instance cannot be shown: not found, deleted, or a load error. */
  declare problem: { kind: 'not-found' | 'deleted' | 'error'; message: string } | undefined;
  declare notice: { text: string; runId?: string; error?: boolean } | undefined;
  declare busy: '' | 'start' | 'more' | 'clone' | 'delete';
  declare now: number;
  /** The last Clone or Delete failure, shown in its dialog. */
  declare dialogError: string | undefined;

  #runsLive: LiveEventsController;
  #experimentsLive: LiveEventsController;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #loadToken = 0;
  /** The load under way (or the last one): a run asked for before the instance is shown waits for it. */
  #loading: Promise<void> = Promise.resolve();
  #counting = false;
  #countAgain = false;
  #linkShownFor = '';

  constructor() {
    super();
    this.api = '';
    this.instanceId = '';
    this.edit = false;
    this.pageSize = 25;
    this.runs = [];
    this.next = null;
    this.busy = '';
    this.now = Date.now();
    new ScrollCue(this); // fades the runs table's edge where it goes on
    this.#runsLive = new LiveEventsController(this, () => (this.instanceId ? { api: this.api, filter: { instance: this.instanceId } } : undefined), {
      'run.status': ({ run }) => this.#upsertRun(run),
      'run.progress': ({ runId, progress }) => {
        this.runs = this.runs.map((r) => (r.id === runId && r.status === 'running' ? { ...r, progress } : r));
      },
      'run.log': ({ runId, entries, omitted }) => this.#updateRun(runId, (r) => withOutput(r, 'log', entries, omitted)),
      'run.result': ({ runId, entries }) => this.#updateRun(runId, (r) => withOutput(r, 'result', entries)),
      'instance.updated': ({ instance }) => (this.instance = instance),
      'instance.deleted': () => (this.problem = { kind: 'deleted', message: 'This instance was deleted.' }),
      reset: () => void this.load(),
    });
    // experiment.* events name no instance, so they come on the unfiltered stream.
    this.#experimentsLive = new LiveEventsController(this, () => ({ api: this.api }), {
      'experiment.changed': ({ experiment }) => {
        if (experiment.name === this.instance?.experiment) this.experimentInfo = experiment;
      },
      'experiment.removed': ({ name }) => {
        if (name === this.instance?.experiment) this.experimentInfo = undefined;
      },
    });
  }

  get #client() {
    return apiClient(this.api);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('instanceId') || changed.has('api')) {
      this.#runsLive.retarget();
      this.#experimentsLive.retarget();
      void this.load();
    }
    const running = this.runs.some((r) => r.status === 'running' || r.status === 'pending');
    if (running && !this.#ticker && this.isConnected) this.#ticker = setInterval(() => (this.now = Date.now()), 1000);
    if (!running && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('instance') || changed.has('edit')) && this.edit && this.instance && !changed.get('instance')) this.openEditor();
  }

  /** (Re)loads the instance, its experiment and the first page of its runs. */
  load(): Promise<void> {
    this.#loading = this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    if (!this.instanceId) return;
    const token = ++this.#loadToken;
    try {
      const [instance, page] = await Promise.all([this.#client.getInstance(this.instanceId), this.#client.listRuns(this.instanceId, { limit: this.pageSize })]);
      const experiment = await this.#client.getExperiment(instance.experiment).catch(() => undefined);
      if (token !== this.#loadToken) return;
      this.problem = undefined;
      this.instance = instance;
      this.experimentInfo = experiment;
      // Live events may have come while the page was on its way: keep what they showed.
      const shown = this.runs.filter((run) => run.instanceId === instance.id);
      this.runs = mergeFetchedRuns(page.items, shown);
      this.next = page.next;
      // Opened from a run's version link in a new tab: show that version, once.
      const linked = /^#version-(\d+)$/.exec(location.hash)?.[1];
      if (linked && this.#linkShownFor !== instance.id) {
        this.#linkShownFor = instance.id;
        void this.showVersion(Number(linked));
      }
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.problem =
        error instanceof ApiError && (error.status === 404 || error.status === 400)
          ? { kind: 'not-found', message: `Instance ${this.instanceId} not found.` }
          : { kind: 'error', message: `Could not load the instance: ${error instanceof Error ? error.message : error}` };
    }
  }

  async #loadMore(): Promise<void> {
    if (!this.next || this.busy) return;
    this.busy = 'more';
    try {
      const page = await this.#client.listRuns(this.instanceId, { limit: this.pageSize, cursor: this.next });
      const known = new Set(this.runs.map((r) => r.id));
      this.runs = [...this.runs, ...page.items.filter((r) => !known.has(r.id))];
      this.next = page.next;
    } catch (error) {
      this.notice = { text: `Could not load more runs: ${error instanceof Error ? error.message : error}`, error: true };
    } finally {
      this.busy = '';
    }
  }

  #upsertRun(run: Run): void {
    if (this.runs.some((r) => r.id === run.id)) return this.#updateRun(run.id, (r) => fresherRun(r, run));
    this.runs = [run, ...this.runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    // A new run: its instance's counts changed, but no instance event says so. Read them.
    void this.#refreshCounts();
  }

  /** Re-reads the instance's run counts; calls while a read is under way coalesce into one more. */
  async #refreshCounts(): Promise<void> {
    if (this.#counting) return void (this.#countAgain = true);
    this.#counting = true;
    try {
      do {
        this.#countAgain = false;
        const fresh = await this.#client.getInstance(this.instanceId).catch(() => undefined);
        if (fresh && fresh.id === this.instance?.id) this.instance = { ...this.instance, runCounts: fresh.runCounts };
      } while (this.#countAgain);
    } finally {
      this.#counting = false;
    }
  }

  #updateRun(runId: string, change: (run: Run) => Run): void {
    if (this.runs.some((r) => r.id === runId)) this.runs = this.runs.map((r) => (r.id === runId ? change(r) : r));
  }

  /** Starts a run of this instance and shows it at the top of the runs. */
  async startRun(): Promise<Run | undefined> {
    if (this.busy === 'start' || this.renderRoot.querySelector('dialog[open]')) return undefined;
    this.busy = 'start';
    try {
      // Asked for (the r key, say) before the instance is shown: it starts once the instance
      // has loaded, not never. An instance that failed to load shows why, and starts nothing.
      if (this.instance?.id !== this.instanceId) {
        await this.updateComplete; // the update that starts the load
        await this.#loading;
      }
      if (!this.instance || this.instance.id !== this.instanceId) return undefined;
      const run = await this.#client.startRun(this.instance.id);
      this.#upsertRun(run);
      this.notice = { text: `Started run ${run.id.slice(0, 8)}.`, runId: run.id };
      return run;
    } catch (error) {
      this.notice = { text: `Could not start a run: ${error instanceof Error ? error.message : error}`, error: true };
      return undefined;
    } finally {
      this.busy = '';
    }
  }

  /** Shows version `version` in the history: scrolled to, highlighted, focused. */
  async showVersion(version: number): Promise<void> {
    await this.updateComplete;
    const history = this.renderRoot.querySelector('athanor-instance-history');
    if (history && !(await history.show(version))) this.notice = { text: `This instance has no version ${version}.`, error: true };
  }

  /** Opens the configuration editor. */
  openEditor(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('#edit-dialog');
    if (!dialog || dialog.open) return;
    const editor = dialog.querySelector('athanor-instance-editor');
    editor?.reset();
    dialog.showModal();
    void editor?.focusFirstField();
  }

  #dialog(id: string): HTMLDialogElement | null {
    return this.renderRoot.querySelector<HTMLDialogElement>(`#${id}`);
  }

  #openDialog(id: string): void {
    this.dialogError = undefined;
    this.#dialog(id)?.showModal();
  }

  async #clone(name: string): Promise<void> {
    if (!name.trim()) return void (this.dialogError = 'Name the copy');
    this.busy = 'clone';
    try {
      const clone = await this.#client.cloneInstance(this.instanceId, { name: name.trim() });
      this.#dialog('clone-dialog')?.close();
      navigate(this, this.api, `/experiments/${clone.id}`);
    } catch (error) {
      this.dialogError = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = '';
    }
  }

  async #delete(): Promise<void> {
    this.busy = 'delete';
    try {
      await this.#client.deleteInstance(this.instanceId);
      this.#dialog('delete-dialog')?.close();
      navigate(this, this.api, '/experiments');
    } catch (error) {
      this.dialogError = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = '';
    }
  }

  #renderCodeNotice() {
    const latest = this.runs[0];
    const current = this.experimentInfo?.codeHash;
    if (!latest?.codeHash || !current || latest.codeHash === current) return nothing;
    return html`<p class="code-changed" role="status">
      <strong>Code changed since the last run.</strong> The last run used <code>${shortHash(latest.codeHash)}</code>; the
      experiment is now at <code>${shortHash(current)}</code>.
    </p>`;
  }

  /** "other config" / "older code": what the run ran with that a run now would not. */
  #marks(run: Run) {
    const instance = this.instance;
    return runMarks(run, { configuration: instance?.configuration, schema: this.experimentInfo?.schema, codeHash: this.experimentInfo?.codeHash });
  }

  #renderDetails(instance: Instance) {
    const info = this.experimentInfo;
    return html`<dl class="details">
      <dt>Experiment</dt>
      <dd>
        <a href=${pageHref(this.api, `/source/${encodeURIComponent(instance.experiment)}`)}><code>${userText(instance.experiment)}</code></a>
        ${info?.error ? html`<span class="error-text"> — fails to load: ${userText(info.error.message)}</span>` : nothing}
        ${!info ? html`<span class="muted"> — not found in the experiments folder</span>` : nothing}
        ${info?.codeHash ? html`<span class="muted"> · code <code>${shortHash(info.codeHash)}</code></span>` : nothing}
      </dd>
      <dt>Created</dt>
      <dd><time datetime=${instance.createdAt}>${formatTime(instance.createdAt)}</time></dd>
      <dt>Updated</dt>
      <dd><time datetime=${instance.updatedAt}>${formatTime(instance.updatedAt)}</time></dd>
    </dl>`;
  }

  override render() {
    const problem = this.problem;
    if (problem) {
      return html`<div class="problem" role="alert">
        <h1>${problem.kind === 'error' ? 'Something went wrong' : 'Instance not found'}</h1>
        <p>${userText(problem.message)}</p>
        ${problem.kind === 'error' ? html`<button type="button" @click=${() => this.load()}>Retry</button>` : nothing}
        <a href=${pageHref(this.api, '/experiments')}>Back to the instances</a>
      </div>`;
    }
    const instance = this.instance;
    if (!instance) return html`<p class="muted" role="status">Loading the instance…</p>`;
    const counts = instance.runCounts;
    return html`
      <nav class="crumbs" aria-label="Breadcrumb"><a href=${pageHref(this.api, '/experiments')}>Instances</a> / ${userText(instance.name)}</nav>
      <header class="row">
        <h1>${userText(instance.name)}</h1>
        <span class="spacer"></span>
        <button type="button" class="primary" ?disabled=${this.busy === 'start'} aria-keyshortcuts="r" @click=${() => this.startRun()}>
          ▶ Start run <kbd aria-hidden="true">r</kbd>
        </button>
        <button type="button" @click=${() => this.openEditor()}>Edit configuration</button>
        <button type="button" @click=${() => this.#openDialog('clone-dialog')}>Clone</button>
        <a class="button" href=${pageHref(this.api, `/experiments/new?from=${encodeURIComponent(instance.id)}&sweep=1`)}
          title="Instances and runs over a grid of values, starting from this configuration">Sweep…</a>
        <button type="button" class="danger" @click=${() => this.#openDialog('delete-dialog')}>Delete</button>
      </header>
      ${instance.description ? html`<p class="description">${userText(instance.description)}</p>` : nothing}
      <div role="status" class="notice ${this.notice?.error ? 'error-text' : ''}">${this.notice
        ? html`${userText(this.notice.text)}
            ${this.notice.runId ? html`<a href=${pageHref(this.api, `/runs/${encodeURIComponent(this.notice.runId)}`)}>Watch it</a>` : nothing}`
        : ''}</div>
      ${this.#renderCodeNotice()}
      <div class="columns">
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          ${this.#renderDetails(instance)}
        </section>
        <section class="card" aria-labelledby="config-title">
          <h2 id="config-title">Configuration</h2>
          ${configValue(instance.configuration, this.experimentInfo?.schema ?? undefined)}
        </section>
      </div>
      <section aria-labelledby="runs-title" class="runs-section">
        <h2 id="runs-title">Runs <span class="muted">(${Math.max(counts.total, this.runs.length)})</span></h2>
        ${this.runs.length
          ? runsTable({
              api: this.api,
              runs: this.runs,
              currentHash: this.experimentInfo?.codeHash,
              now: this.now,
              instanceId: instance.id,
              currentVersion: instance.version,
              onVersion: (version) => void this.showVersion(version),
              marks: (run) => this.#marks(run),
            })
          : html`<p class="muted">No runs yet. Start one with <strong>Start run</strong> (or press <kbd>r</kbd>).</p>`}
        ${this.next
          ? html`<button type="button" class="more" ?disabled=${this.busy === 'more'} @click=${() => this.#loadMore()}>
              ${this.busy === 'more' ? 'Loading…' : 'Load more runs'}
            </button>`
          : nothing}
      </section>
      <athanor-instance-history class="history" api=${this.api} instance-id=${instance.id} version=${instance.version}
        .schema=${this.experimentInfo?.schema ?? undefined}></athanor-instance-history>
      <dialog id="edit-dialog" class="wide" aria-labelledby="edit-title">
        <h2 id="edit-title">Edit ${userText(instance.name)}</h2>
        <athanor-instance-editor api=${this.api} .instance=${instance} .schema=${this.experimentInfo?.schema ?? undefined}
          @athanor-instance-saved=${(e: CustomEvent<{ instance: Instance }>) => {
            this.instance = e.detail.instance;
            this.#dialog('edit-dialog')?.close();
            this.notice = { text: 'Saved.' };
          }}
          @athanor-edit-cancel=${() => this.#dialog('edit-dialog')?.close()}></athanor-instance-editor>
      </dialog>
      ${cloneDialog({ instance, busy: this.busy === 'clone', error: this.dialogError, onClone: (name) => this.#clone(name) })}
      ${deleteDialog({ instance, busy: this.busy === 'delete', error: this.dialogError, onDelete: () => this.#delete() })}
    `;
  }
}

if (!customElements.get('athanor-instance-view')) customElements.define('athanor-instance-view', AthanorInstanceView);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-instance-view': AthanorInstanceView;
  }
}
