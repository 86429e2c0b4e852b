/**
 * `<athanor-run-view api run-id>`: one run — its status, progress, timing, the code
 * version it ran and its instance; what it ran with (`<athanor-run-record>`); its live logs
 * (`<athanor-log-view>`) and results (`<athanor-results-panel>`); Cancel, Run again
 * (`<athanor-run-again>`) and export links. Live from `/api/events`
 * filtered to the run.
 */
import { LitElement, css, html, nothing } from 'lit';
import { ApiError, apiClient, type ApiClient, type Instance, type RerunCode, type Run } from '../client/api-client.ts';
import { formatDuration, formatProgress, formatTime, shortHash, shortId } from '../app/format.ts';
import { navigate, pageHref, replaceInApp } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { fresherRun, withOutput } from '../state/fresher-run.ts';
import { theme } from '../styles/theme.ts';
import './athanor-status-badge.ts';
import './athanor-log-view.ts';
import './athanor-results-panel.ts';
import './athanor-run-record.ts';
import './athanor-run-again.ts';
import { showDirectionControls, userText } from './user-text.ts';

const ACTIVE = new Set(['pending', 'running']);

/**
 * Attributes: `api` (the workbench's API base, '' for this origin), `run-id` (the run's id
 * or a unique prefix of 8+ of its characters, as the workbench shows it). Without a
 * `run-id` it shows its content (or a line saying what to add) instead of loading.
 * Navigates (NAVIGATE_EVENT) to the new run after Re-run; in the app, a run opened by a
 * prefix has its full id put in the URL (replacing the entry).
 */
export class AthanorRunView extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    run: { state: true },
    retriedBy: { state: true },
    instance: { state: true },
    error: { state: true },
    busy: { state: true },
    now: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        /* Embedded in any page, the view brings its own ground so its colours keep their contrast. */
        background: var(--ath-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: var(--ath-space-3);
        flex-wrap: wrap;
        margin-bottom: var(--ath-space-3);
      }
      header h1 {
        margin: 0;
      }
      /* Each fact as wide as it is, wrapping as a whole: in columns of one width, 8 facts at
         1400 px left the last alone on a second row. */
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: var(--ath-space-2) var(--ath-space-6);
        margin: 0 0 var(--ath-space-4);
      }
      dt {
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      .progress {
        margin-bottom: var(--ath-space-4);
      }
      progress {
        width: 100%;
        height: 10px;
        accent-color: var(--ath-running);
      }
      .failure {
        white-space: pre-wrap;
        border-left: 3px solid var(--ath-failed);
        padding: var(--ath-space-2) var(--ath-space-3);
        background: var(--ath-bg-subtle);
        margin: 0 0 var(--ath-space-4);
        max-height: 200px;
        overflow: auto;
      }
      .cancel-reason {
        border-left: 3px solid var(--ath-cancelled, var(--ath-border));
        padding: var(--ath-space-2) var(--ath-space-3);
        background: var(--ath-bg-subtle);
        margin: 0 0 var(--ath-space-4);
        overflow-wrap: anywhere;
      }
      .stopped progress {
        accent-color: var(--ath-text-muted);
      }
      section,
      athanor-run-record {
        display: block;
        margin-bottom: var(--ath-space-4);
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  declare run: Run | undefined;
  /** The run that retries the one shown (`GET /api/runs/:id`'s `retriedBy`), as of its load. */
  declare retriedBy: { of: string; id: string } | undefined;
  declare instance: Instance | undefined;
  declare error: string | undefined;
  declare busy: 'cancel' | 'rerun' | undefined;
  declare now: number;

  #client: ApiClient = apiClient('');
  #ticker: ReturnType<typeof setInterval> | undefined;
  #loadToken = 0;

  // Events carry the run's full id and are routed by it: follow the full id once it is known
  // (a page opened by a prefix), the prefix only until then.
  #live = new LiveEventsController(this, () => (this.runId ? { api: this.api, filter: { run: this.run?.id ?? this.runId } } : undefined), {
    'run.status': (event) => {
      if (!this.#shows(event.runId)) return;
      this.run = fresherRun(this.run, event.run);
      const { status, attempt, retries } = event.run;
      if (status === 'failed' && attempt <= retries) void this.#findRetry(event.runId);
    },
    'run.progress': (event) => {
      if (this.#shows(event.runId) && this.run) this.run = { ...this.run, progress: event.progress };
    },
    'run.log': (event) => {
      if (this.#shows(event.runId) && this.run) this.run = withOutput(this.run, 'log', event.entries, event.omitted);
    },
    'run.result': (event) => {
      if (this.#shows(event.runId) && this.run) this.run = withOutput(this.run, 'result', event.entries);
    },
    reset: () => void this.#load(),
  });

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.now = Date.now();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#tick(false);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // The app put the full id of the run shown (opened by a prefix) in its URL: the same run, kept as it is.
    if (changed.has('runId') && !changed.has('api') && this.run && this.run.id === this.runId.toLowerCase()) return this.#live.retarget();
    if (changed.has('api') || changed.has('runId')) {
      this.#client = apiClient(this.api);
      this.#live.retarget();
      void this.#load();
    }
  }

  protected override updated(): void {
    this.#tick(this.run?.status === 'running' && this.isConnected);
  }

  /** Asks the workbench to cancel the run. */
  async cancel(): Promise<void> {
    if (!this.run) return;
    this.busy = 'cancel';
    try {
      const { run } = await this.#client.cancelRun(this.run.id);
      if (this.#shows(run.id)) this.run = fresherRun(this.run, run);
    } catch (error) {
      this.error = `Could not cancel: ${(error as Error).message}`;
    } finally {
      this.busy = undefined;
    }
  }

  /** Starts a new run with the configuration this one ran with (and `code`) and shows it. */
  async rerun(code: RerunCode = 'current'): Promise<void> {
    if (!this.run) return;
    this.busy = 'rerun';
    try {
      const run = await this.#client.rerun(this.run.id, code);
      navigate(this, this.api, `/runs/${run.id}`);
    } catch (error) {
      this.error = `Could not start a new run: ${(error as Error).message}`;
    } finally {
      this.busy = undefined;
    }
  }

  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    this.run = this.instance = this.error = undefined;
    if (!this.runId) return;
    try {
      const run = await this.#client.getRun(this.runId);
      if (token !== this.#loadToken) return;
      this.run = fresherRun(this.run, run);
      this.retriedBy = run.retriedBy ? { of: run.id, id: run.retriedBy } : undefined;
      this.#live.retarget(); // from the prefix to the full id (embedded, the URL stays as given)
      if (run.id !== this.runId) replaceInApp(this, `/runs/${run.id}`);
      this.instance = await this.#client.getInstance(run.instanceId).catch(() => undefined);
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.error = error instanceof ApiError && error.status === 404 ? `Run ${this.runId} not found.` : `Could not load the run: ${(error as Error).message}`;
    }
  }

  /** A run that just failed with attempts left gets its retry in a moment (made by whoever ended it): link it once it is there. */
  async #findRetry(runId: string): Promise<void> {
    for (let tries = 0; tries < 20 && this.run?.id === runId && !this.retriedBy; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const detail = await this.#client.getRun(runId).catch(() => undefined);
      if (detail?.retriedBy && this.run?.id === runId) this.retriedBy = { of: runId, id: detail.retriedBy };
    }
  }

  /** Whether `id` (a full run id) is the run this view shows, however `run-id` names it. */
  #shows(id: string): boolean {
    const digits = (text: string) => text.toLowerCase().replace(/-/g, '');
    return id === this.run?.id || (this.runId !== '' && digits(id).startsWith(digits(this.runId)));
  }

  #tick(on: boolean): void {
    if (on && !this.#ticker) this.#ticker = setInterval(() => (this.now = Date.now()), 500);
    if (!on && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #progress(run: Run) {
    if (run.status !== 'running') return this.#stoppedAt(run);
    const p = run.progress;
    const counted = p ? formatProgress(p, run.startedAt, this.now) : '';
    const text = p ? `${counted}${p.message ? ` · ${p.message}` : ''}` : 'running…';
    return html`<div class="progress">
      <div class="row"><span class="muted">Progress</span><span class="spacer"></span><span class="progress-text">${p
        ? html`${counted}${p.message ? html` · ${userText(p.message)}` : nothing}`
        : text}</span></div>
      ${p && p.total > 0
        ? html`<progress max=${p.total} value=${Math.min(p.current, p.total)} aria-label="Progress: ${showDirectionControls(text)}"></progress>`
        : html`<progress aria-label="Progress: running"></progress>`}
    </div>`;
  }

  /** Where a run that did not complete stopped: its last progress, kept in view. */
  #stoppedAt(run: Run) {
    const p = run.progress;
    if (!p || (run.status !== 'cancelled' && run.status !== 'failed')) return nothing;
    const counted = formatProgress(p, null); // no estimate: it has stopped
    const text = `${counted}${p.message ? ` · ${p.message}` : ''}`;
    return html`<div class="progress stopped">
      <div class="row"><span class="muted">Stopped at</span><span class="spacer"></span><span class="progress-text">${counted}${p.message
        ? html` · ${userText(p.message)}`
        : nothing}</span></div>
      ${p.total > 0 ? html`<progress max=${p.total} value=${Math.min(p.current, p.total)} aria-label="Stopped at ${showDirectionControls(text)}"></progress>` : nothing}
    </div>`;
  }

  /** Why the run ended without completing: a failure's error, or who or what cancelled it. */
  #ending(run: Run) {
    if (!run.error) return nothing;
    if (run.status === 'failed') return html`<pre class="failure" tabindex="0" aria-label="Error">${userText(run.error)}</pre>`;
    if (run.status === 'cancelled') return html`<p class="cancel-reason" role="note"><strong>Cancelled:</strong> ${userText(run.error)}</p>`;
    return nothing;
  }

  /** Which attempt of a run its definition retries: "2 of 3 · retry of Run …", and the retry of a failed one. */
  #attempt(run: Run) {
    const attempt = run.attempt ?? 1;
    const retries = run.retries ?? 0;
    if (attempt <= 1 && retries === 0) return nothing;
    const link = (id: string) => html`<a href=${pageHref(this.api, `/runs/${id}`)}>Run <code>${shortId(id)}</code></a>`;
    const retriedBy = this.retriedBy && this.retriedBy.of === run.id ? this.retriedBy.id : null;
    return html`<div class="attempt"><dt>Attempt</dt><dd>${attempt} of ${retries + 1}${run.retryOf ? html` · retry of ${link(run.retryOf)}` : nothing}${retriedBy
      ? html` · retried as ${link(retriedBy)}`
      : nothing}</dd></div>`;
  }

  #details(run: Run) {
    const instanceLabel = this.instance ? userText(this.instance.name) : shortId(run.instanceId);
    return html`<dl>
      <div><dt>Instance</dt><dd><a href=${pageHref(this.api, `/experiments/${run.instanceId}`)}>${instanceLabel}</a>${run.instanceVersion
        ? html` <span class="muted" title="The version of the instance this run ran (its configuration then)">v${run.instanceVersion}</span>`
        : nothing}</dd></div>
      <div><dt>Experiment</dt><dd>${this.instance ? userText(this.instance.experiment) : '—'}</dd></div>
      ${run.rerunOf
        ? html`<div><dt>Rerun of</dt><dd><a href=${pageHref(this.api, `/runs/${run.rerunOf}`)}>Run <code>${shortId(run.rerunOf)}</code></a>${run.codeSnapshot ? ' · with its code' : ''}</dd></div>`
        : nothing}
      ${this.#attempt(run)}
      ${run.agent
        ? html`<div class="agent"><dt>Started by</dt><dd>an agent, <a href=${pageHref(this.api, '/agents')}>${userText(run.agent)}</a> (MCP)</dd></div>`
        : nothing}
      <div><dt>Code version</dt><dd>${run.codeHash ? html`<code title=${run.codeHash}>${shortHash(run.codeHash)}</code>` : '—'}</dd></div>
      <div><dt>Created</dt><dd>${formatTime(run.createdAt)}</dd></div>
      <div><dt>Started</dt><dd>${formatTime(run.startedAt)}</dd></div>
      <div><dt>Completed</dt><dd>${formatTime(run.completedAt)}</dd></div>
      <div><dt>Duration</dt><dd class="duration">${formatDuration(run.startedAt, run.completedAt, this.now)}</dd></div>
      <div><dt>Logs · results</dt><dd>${run.logCount.toLocaleString()} · ${run.resultCount.toLocaleString()}</dd></div>
    </dl>`;
  }

  override render() {
    const run = this.run;
    // Nothing to load: say what to add (a page can say it its own way, as the element's content).
    if (!this.runId) return html`<slot><p class="muted">No run chosen: set this element's <code>run-id</code> attribute.</p></slot>`;
    if (!run) {
      if (!this.error) return html`<p class="muted">Loading run…</p>`;
      // A page of its own, as the instance page's: what happened, and a way on.
      return html`<div class="problem" role="alert">
        <h1>${/ not found\.$/.test(this.error) ? 'Run not found' : 'Something went wrong'}</h1>
        <p>${userText(this.error)}</p>
        <a href=${pageHref(this.api, '/experiments')}>Back to the instances</a>
      </div>`;
    }
    const active = ACTIVE.has(run.status);
    return html`
      <header>
        <h1>Run <code>${shortId(run.id)}</code></h1>
        <athanor-status-badge status=${run.status}></athanor-status-badge>
        <span class="spacer"></span>
        ${active
          ? html`<button class="danger" @click=${() => this.cancel()} ?disabled=${this.busy === 'cancel'}>${this.busy === 'cancel' ? 'Cancelling…' : 'Cancel'}</button>`
          : nothing}
        <athanor-run-again api=${this.api} run-id=${run.id}></athanor-run-again>
        <a class="button" href=${this.#client.exportUrl(run.id, 'json')} download>Export JSON</a>
        <a class="button" href=${this.#client.exportUrl(run.id, 'csv', 'logs')} download>Logs CSV</a>
        <a class="button" href=${this.#client.exportUrl(run.id, 'csv', 'results')} download>Results CSV</a>
      </header>
      ${this.error ? html`<p class="error-text" role="alert">${userText(this.error)}</p>` : nothing}
      ${this.#progress(run)}
      ${this.#ending(run)}
      ${this.#details(run)}
      <athanor-run-record api=${this.api} run-id=${run.id}></athanor-run-record>
      <section aria-labelledby="logs-title">
        <h2 id="logs-title">Logs</h2>
        <athanor-log-view api=${this.api} run-id=${run.id} .run=${run}></athanor-log-view>
      </section>
      <section aria-labelledby="results-title">
        <h2 id="results-title">Results</h2>
        <athanor-results-panel api=${this.api} run-id=${run.id} .run=${run}></athanor-results-panel>
      </section>
    `;
  }
}

if (!customElements.get('athanor-run-view')) customElements.define('athanor-run-view', AthanorRunView);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-run-view': AthanorRunView;
  }
}
