/**
 * `<athanor-compare runs="ID,ID,…" api="…" baseline="ID">`: two to twenty runs side by side —
 * configuration (changed fields highlighted, unchanged ones folded), metrics (deltas
 * against the baseline, the best of each row marked), one chart per numeric series with a
 * line per run, the code diff when the runs ran different code, and their logs in columns
 * under one level filter. Runs still going update it live. Reads `GET /api/compare`.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import type { Comparison, LogLevel } from '../../core/records.ts';
import { FINISHED_STATUSES, LOG_LEVELS } from '../../core/records.ts';
import type { EventTopic } from '../../core/events/event-topics.ts';
import { ApiError, apiClient } from '../client/api-client.ts';
import { replaceInApp } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { RefreshTimer } from '../state/refresh-timer.ts';
import { ScrollCue } from './scroll-cue.ts';
import { theme } from '../styles/theme.ts';
import './athanor-status-badge.ts';
import './athanor-log-view.ts';
import './compare/athanor-compare-code.ts';
import { userText } from './user-text.ts';
import { chartsSection } from './compare/compare-charts.ts';
import { runHeader, runName } from './compare/compare-runs.ts';
import { configurationTable, metricsTable, resultsTable } from './compare/compare-tables.ts';
import { compareStyles } from './compare/compare-styles.ts';

export const COMPARE_MIN_RUNS = 2;
export const COMPARE_MAX_RUNS = 20;
/** Points per series: enough for a chart's width, few enough for twenty runs' lines. */
const SERIES_POINTS = 600;
/** While runs run, their events come in bursts: one refetch per burst, sooner for a status than for new values. */
const STATUS_DELAY_MS = 400;
const RESULT_DELAY_MS = 1500;

/** The compare page's path for these runs (and baseline). */
export function comparePath(runs: readonly string[], baseline?: string): string {
  return `/compare?runs=${runs.map(encodeURIComponent).join(',')}${baseline ? `&baseline=${encodeURIComponent(baseline)}` : ''}`;
}

/**
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr runs - the runs, comma-separated ids (or unique prefixes of 8 or more characters)
 * @attr baseline - the run deltas are taken against (default, or when it is not among the runs: the oldest)
 */
export class AthanorCompare extends LitElement {
  static override properties = {
    api: {},
    runs: {},
    baseline: {},
    comparison: { state: true },
    problem: { state: true },
    baselineNote: { state: true },
    configOpen: { state: true },
    resultsOpen: { state: true },
    levels: { state: true },
  };
  static override styles = [theme, compareStyles];

  declare api: string;
  declare runs: string;
  declare baseline: string | undefined;
  declare comparison: Comparison | undefined;
  declare problem: string | undefined;
  /** Why the baseline asked for (the `baseline` attribute, the URL's `&baseline=`) is not the one used. */
  declare baselineNote: string | undefined;
  /** The unchanged configuration rows are shown. */
  declare configOpen: boolean;
  /** The results the same in every run are shown. */
  declare resultsOpen: boolean;
  /** The log levels every log column shows. */
  declare levels: LogLevel[];

  #generation = 0;
  /** The default baseline found for these runs (`runs` → id), so a live refresh asks once. */
  readonly #refresh = new RefreshTimer(() => void this.load());
  readonly #live = new LiveEventsController(this, () => (this.#topics().length ? { api: this.api, topics: this.#topics() } : undefined), {
    'run.status': () => this.#refresh.schedule(STATUS_DELAY_MS),
    'run.result': () => this.#refresh.schedule(RESULT_DELAY_MS),
    reset: () => void this.load(),
  });

  constructor() {
    super();
    this.api = '';
    this.runs = '';
    this.configOpen = false;
    this.resultsOpen = false;
    this.levels = [...LOG_LEVELS];

    new ScrollCue(this); // fades the edges past which its tables go on
  }

  /** The run ids as given, in order (a run given twice is there twice). */
  get #given(): string[] {
    return (this.runs ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  }

  /** The run ids asked for, in order, each once. */
  get runIds(): string[] {
    return [...new Set(this.#given)];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#refresh.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('runs') || changed.has('baseline')) void this.load();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('comparison') || changed.has('api')) this.#live.retarget();
  }

  /** Reads the comparison (again). */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    const ids = this.runIds;
    const twice = this.#given.find((id, i, given) => given.indexOf(id) !== i);
    if (twice) {
      this.comparison = undefined;
      this.problem = `Run ${twice} is given twice: compare takes each run once (/compare?runs=ID,ID)`;
      return;
    }
    if (ids.length < COMPARE_MIN_RUNS || ids.length > COMPARE_MAX_RUNS) {
      this.comparison = undefined;
      this.problem = `Compare takes ${COMPARE_MIN_RUNS} to ${COMPARE_MAX_RUNS} runs; ${ids.length === 0 ? 'none was' : ids.length === 1 ? '1 was' : `${ids.length} were`} given. Select runs in an experiment's runs table, or give their ids: /compare?runs=ID,ID`;
      return;
    }
    try {
      const { comparison, baselineNote } = await this.#compare(ids);
      if (generation !== this.#generation) return;
      this.comparison = comparison;
      this.baselineNote = baselineNote;
      this.problem = undefined;
    } catch (error) {
      if (generation !== this.#generation) return;
      const message = error instanceof Error ? error.message : String(error);
      // The server's 404 says what was not found ("run not found: …"): said once, not after "Not found:".
      this.problem = error instanceof ApiError && error.status === 404 ? `${message.charAt(0).toUpperCase()}${message.slice(1)}` : `Could not compare the runs: ${message}`;
    }
  }

  /**
   * The comparison against the baseline asked for, else (or when it is not one of the runs) the
   * server's default, the run that started first, with a note saying so: a link with a mistyped
   * baseline would otherwise show other deltas than it meant.
   */
  async #compare(ids: string[]): Promise<{ comparison: Comparison; baselineNote?: string }> {
    const client = apiClient(this.api);
    const ask = (baseline: string | undefined) => client.compare(ids, { ...(baseline ? { baseline } : {}), points: SERIES_POINTS });
    if (!this.baseline) return { comparison: await ask(undefined) };
    // One id a prefix of the other (the page's ids and the baseline may each be short): it may
    // be one of the runs, which the server decides. Otherwise it cannot be: no request refused.
    const baseline = this.baseline.toLowerCase();
    if (ids.some((id) => id.toLowerCase().startsWith(baseline) || baseline.startsWith(id.toLowerCase()))) {
      try {
        return { comparison: await ask(this.baseline) };
      } catch (error) {
        if (!(error instanceof ApiError && error.status < 500 && /baseline/.test(error.message))) throw error;
      }
    }
    const baselineNote = `The baseline asked for, ${JSON.stringify(this.baseline)}, is not one of these runs: the deltas are against the run that started first.`;
    return { comparison: await ask(undefined), baselineNote };
  }

  /** The live topics: each run still going (all of them until the comparison says which). */
  #topics(): EventTopic[] {
    const runs = this.comparison?.runs;
    if (!runs) return [];
    return runs.filter((run) => !FINISHED_STATUSES.includes(run.status)).map((run): EventTopic => `run:${run.id}`);
  }

  #chooseBaseline(id: string): void {
    this.baseline = id;
    replaceInApp(this, comparePath(this.runIds, id));
  }

  #toggleLevel(level: LogLevel): void {
    this.levels = this.levels.includes(level) ? this.levels.filter((l) => l !== level) : LOG_LEVELS.filter((l) => l === level || this.levels.includes(l));
  }

  #logs(comparison: Comparison) {
    return html`<div class="levels" role="group" aria-label="Levels shown in every log">
        <span class="muted">Levels</span>
        ${LOG_LEVELS.map(
          (level) => html`<button type="button" class=${level} aria-pressed=${this.levels.includes(level) ? 'true' : 'false'} @click=${() => this.#toggleLevel(level)}>
            <span aria-hidden="true">${this.levels.includes(level) ? '☑' : '☐'}</span>${level}</button>`,
        )}
      </div>
      <div class="logs scroll-cue" tabindex="0" role="region" aria-label="Logs side by side">
        ${comparison.runs.map(
          (run, i) => html`<div class="log-column" data-run=${run.id}>
            ${runHeader(this.api, run, i, run.id === comparison.baseline)}
            <athanor-log-view api=${this.api} run-id=${run.id} .levels=${this.levels}></athanor-log-view>
          </div>`,
        )}
      </div>`;
  }

  override render() {
    const comparison = this.comparison;
    if (this.problem && !comparison) return html`<h1>Compare runs</h1><p class="error-text" role="alert">${userText(this.problem)}</p>`;
    if (!comparison) return html`<h1>Compare runs</h1><p class="muted" role="status">Loading the comparison…</p>`;
    const changed = comparison.configuration.filter((row) => row.changed).length;
    return html`
      <div class="toolbar">
        <h1>Compare ${comparison.runs.length} runs</h1>
        <span class="spacer"></span>
        <span class="baseline-choice">
          <label for="baseline">Baseline</label>
          <select id="baseline" class="baseline" @change=${(e: Event) => this.#chooseBaseline((e.target as HTMLSelectElement).value)}>
            ${comparison.runs.map((run) => html`<option value=${run.id} ?selected=${run.id === comparison.baseline}>${runName(run)}</option>`)}
          </select>
        </span>
      </div>
      ${this.problem ? html`<p class="error-text" role="alert">${userText(this.problem)}</p>` : nothing}
      ${this.baselineNote ? html`<p class="muted baseline-note" role="status">${userText(this.baselineNote)}</p>` : nothing}
      <nav class="sections" aria-label="Sections">
        <a href="#configuration" @click=${this.#jump}>Configuration${changed ? ` (${changed} changed)` : ''}</a>
        <a href="#metrics" @click=${this.#jump}>Metrics</a>
        ${comparison.results.length ? html`<a href="#results" @click=${this.#jump}>Other results</a>` : nothing}
        <a href="#charts" @click=${this.#jump}>Charts</a>
        <a href="#code" @click=${this.#jump}>Code${comparison.code.same ? '' : ' (differs)'}</a>
        <a href="#logs" @click=${this.#jump}>Logs</a>
      </nav>
      <section id="configuration" aria-labelledby="configuration-title">
        <h2 id="configuration-title">Configuration</h2>
        ${configurationTable(this.api, comparison, this.configOpen, () => (this.configOpen = !this.configOpen))}
      </section>
      <section id="metrics" aria-labelledby="metrics-title">
        <h2 id="metrics-title">Metrics</h2>
        ${metricsTable(this.api, comparison)}
      </section>
      ${comparison.results.length
        ? html`<section id="results" aria-labelledby="results-title">
            <h2 id="results-title">Other results</h2>
            ${resultsTable(this.api, comparison, this.resultsOpen, () => (this.resultsOpen = !this.resultsOpen))}
          </section>`
        : nothing}
      <section id="charts" aria-labelledby="charts-title">
        <h2 id="charts-title">Charts</h2>
        ${chartsSection(comparison)}
      </section>
      <section id="code" aria-labelledby="code-title">
        <h2 id="code-title">Code</h2>
        <athanor-compare-code api=${this.api} .comparison=${comparison}></athanor-compare-code>
      </section>
      <section id="logs" aria-labelledby="logs-title">
        <h2 id="logs-title">Logs</h2>
        ${this.#logs(comparison)}
      </section>
    `;
  }

  /** In-page links inside a shadow root: the browser cannot find their targets, so scroll to them. */
  #jump = (event: MouseEvent) => {
    const id = (event.currentTarget as HTMLAnchorElement).hash.slice(1);
    const target = this.renderRoot.querySelector<HTMLElement>(`#${id}`);
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: 'start' });
  };
}

if (!customElements.get('athanor-compare')) customElements.define('athanor-compare', AthanorCompare);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-compare': AthanorCompare;
  }
}
