/**
 * `<athanor-results-panel api run-id>`: a run's results — a chart of each key whose
 * values are a numeric series (`<athanor-series-chart>`: step or time, linear or log,
 * live), then every key → its latest value, JSON values expandable, sortable by key or
 * time, with a sparkline of the numeric ones. Live: new results appear as they are
 * recorded (rendered at most once per animation frame).
 */
import { LitElement, css, html, nothing } from 'lit';
import { FINISHED_STATUSES, type Run } from '../../core/records.ts';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError, apiClient, type ApiClient, type ResultEntry } from '../client/api-client.ts';
import { formatTime } from '../app/format.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { ResultsModel, sortResults, type ResultSort, type SortDirection } from '../state/results-model.ts';
import { ScrollCue } from './scroll-cue.ts';
import { theme } from '../styles/theme.ts';
import './athanor-json-tree.ts';
import './athanor-series-chart.ts';
import './athanor-sparkline.ts';
import { userText } from './user-text.ts';

/** Rows shown before "show all" (a run may record thousands of keys). */
const ROW_LIMIT = 500;
/** Points of a sparkline's read: as many as it draws (the whole series, downsampled, not its first 10,000). */
const SPARKLINE_POINTS = 300;
/**
 * Past this many keys each value starts closed, one line with a preview, for the reader to
 * open: 100 object values open three levels deep made a box of ~40,000 px to scroll through.
 */
const CLOSED_PAST_KEYS = 12;
/** Charts shown before "show all" (each one reads its series and follows the run). */
const CHART_LIMIT = 6;

/** Attributes: `api` (the workbench's API base), `run-id`; property `run` (its record, optional). */
export class AthanorResultsPanel extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    run: { attribute: false },
    sortBy: { state: true },
    direction: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      .toolbar {
        margin-bottom: var(--ath-space-2);
      }
      .toolbar button {
        padding: 2px 10px;
        font-size: var(--ath-small);
      }
      button[aria-pressed='true'] {
        border-color: var(--ath-accent);
        color: var(--ath-accent);
      }
      td.key {
        font-family: var(--ath-mono);
        font-size: var(--ath-small);
        font-weight: 600;
        min-width: 12ch;
      }
      /* A key breaks only where it would overflow: the theme's 'anywhere' (user text is a bdi)
         let the column shrink to a letter, and iteration_1 broke after iteration. */
      td.key bdi {
        overflow-wrap: break-word;
      }
      td.time {
        white-space: nowrap;
        color: var(--ath-text-muted);
        font-size: var(--ath-small);
      }
      td.value {
        width: 100%;
      }
      .wrap {
        max-height: 480px;
        overflow: auto;
      }
      /* The column names stay in view as the results scroll in their box. */
      .wrap thead th {
        position: sticky;
        top: 0;
        z-index: 1;
        background: var(--ath-bg);
      }
      /* In a narrow box (a phone), a row is a card: the key and its time, then the value at full
         width (as a table it left the value a few letters wide and pushed the trend out of view). */
      @container (max-width: 520px) {
        .wrap thead {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
        }
        .wrap tr {
          display: grid;
          grid-template-columns: minmax(0, 1fr) auto;
          gap: var(--ath-space-1) var(--ath-space-2);
          padding: var(--ath-space-2) 0;
          border-bottom: 1px solid var(--ath-border);
        }
        .wrap td {
          display: block;
          padding: 0;
          border: 0;
        }
        .wrap td.key {
          grid-area: 1 / 1;
        }
        .wrap td.time {
          grid-area: 1 / 2;
        }
        .wrap td.value,
        .wrap td.trend {
          grid-column: 1 / -1;
          width: auto;
        }
      }
      .charts {
        display: grid;
        gap: var(--ath-space-4);
        margin-bottom: var(--ath-space-4);
      }
      .charts h3 {
        font-family: var(--ath-mono);
        margin: 0 0 var(--ath-space-1);
      }
      .chart {
        margin: 0;
        min-width: 0;
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  /** The run's record, when the page has it: a run that ended with none says so, not "yet". */
  declare run: Run | undefined;
  declare sortBy: ResultSort;
  declare direction: SortDirection;

  #client: ApiClient = apiClient('');
  #model = new ResultsModel();
  #state: 'loading' | 'ready' | 'error' = 'loading';
  #error = '';
  #showAll = false;
  #showAllCharts = false;
  #frame = 0;
  #loadToken = 0;
  #seriesQueue: string[] = [];
  #seriesBusy = false;
  #early: ResultEntry[] = [];

  #live = new LiveEventsController(this, () => (this.runId ? { api: this.api, filter: { run: this.runId } } : undefined), {
    'run.result': (event) => {
      if (event.runId !== this.runId) return;
      // While the first read is under way, keep what arrives: applied once it is in.
      if (this.#state !== 'ready') return void this.#early.push(...event.entries);
      this.#queueSeries(this.#model.add(event.entries));
      this.#schedule();
    },
    reset: () => void this.#load(),
  });

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.sortBy = 'key';
    this.direction = 'asc';

    new ScrollCue(this); // fades the edges past which its tables go on
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') || changed.has('runId')) {
      this.#client = apiClient(this.api);
      this.#live.retarget();
      void this.#load();
    }
  }

  /** Sorts by `by`; choosing the current sort again flips its direction. */
  sort(by: ResultSort): void {
    if (this.sortBy === by) this.direction = this.direction === 'asc' ? 'desc' : 'asc';
    else [this.sortBy, this.direction] = [by, by === 'time' ? 'desc' : 'asc'];
  }

  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    if (!this.runId) return;
    this.#state = 'loading';
    try {
      const page = await this.#client.readResults(this.runId, { view: 'latest' });
      if (token !== this.#loadToken) return;
      this.#model.load(page.items);
      this.#model.add(this.#early.splice(0));
      this.#state = 'ready';
      this.#seriesQueue = [];
      this.#queueSeries(this.#model.numericKeysWithoutSeries());
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.#state = 'error';
      this.#error = error instanceof ApiError && error.status === 404 ? `Run ${this.runId} not found.` : `Could not load the results: ${(error as Error).message}`;
    }
    this.requestUpdate();
  }

  /** Reads the series of numeric keys (downsampled, for their sparklines), one request at a time. */
  #queueSeries(keys: string[]): void {
    for (const key of keys) if (!this.#seriesQueue.includes(key)) this.#seriesQueue.push(key);
    if (this.#seriesBusy) return;
    const next = this.#seriesQueue.shift();
    if (next === undefined) return;
    this.#seriesBusy = true;
    const token = this.#loadToken;
    this.#client
      .series(this.runId, next, { points: SPARKLINE_POINTS })
      .then((series) => {
        if (token === this.#loadToken) this.#model.setSeries(next, series);
      })
      .catch(() => {})
      .finally(() => {
        this.#seriesBusy = false;
        this.#schedule();
        if (token === this.#loadToken) this.#queueSeries([]);
      });
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.requestUpdate();
    });
  }

  #sortButton(by: ResultSort, label: string) {
    const active = this.sortBy === by;
    const arrow = active ? (this.direction === 'asc' ? ' ↑' : ' ↓') : '';
    return html`<button aria-pressed=${active ? 'true' : 'false'} aria-label="Sort by ${label}${active ? (this.direction === 'asc' ? ', ascending' : ', descending') : ''}"
      @click=${() => this.sort(by)}>${label}${arrow}</button>`;
  }

  /** The keys whose values so far are a numeric series (two or more numbers), in key order. */
  #chartKeys(rows: readonly ResultEntry[]): string[] {
    return rows.filter((entry) => (this.#model.series.get(entry.key)?.length ?? 0) >= 2).map((entry) => entry.key);
  }

  #charts(keys: readonly string[]) {
    if (keys.length === 0) return nothing;
    const shown = this.#showAllCharts ? keys : keys.slice(0, CHART_LIMIT);
    return html`<section class="charts" aria-label="Charts">
      ${repeat(
        shown,
        (key) => key,
        (key) => html`<figure class="chart" data-key=${key}>
          <figcaption><h3>${userText(key)}</h3></figcaption>
          <athanor-series-chart api=${this.api} run-id=${this.runId} key=${key}></athanor-series-chart>
        </figure>`,
      )}
      ${keys.length > shown.length
        ? html`<button @click=${() => ((this.#showAllCharts = true), this.requestUpdate())}>Show all ${keys.length} charts</button>`
        : nothing}
    </section>`;
  }

  override render() {
    if (this.#state === 'error') return html`<p class="error-text" role="alert">${userText(this.#error)}</p>`;
    if (this.#state === 'loading') return html`<p class="muted">Loading results…</p>`;
    const rows = sortResults(this.#model.latest.values(), this.sortBy, this.direction);
    if (rows.length === 0) {
      const ended = this.run?.id === this.runId && FINISHED_STATUSES.includes(this.run.status);
      return html`<p class="muted">${ended ? 'This run recorded no results.' : 'No results yet.'}</p>`;
    }
    const shown = this.#showAll ? rows : rows.slice(0, ROW_LIMIT);
    const closed = rows.length > CLOSED_PAST_KEYS;
    const chartKeys = this.#chartKeys(sortResults(this.#model.latest.values(), 'key', 'asc'));
    return html`${this.#charts(chartKeys)}<div class="row toolbar" role="group" aria-label="Sort results">
        <span class="muted">${rows.length} key${rows.length === 1 ? '' : 's'} · sort by</span>${this.#sortButton('key', 'key')}${this.#sortButton('time', 'time')}
      </div>
      <div class="wrap scroll-cue" tabindex="0" role="region" aria-label="Results">
        <table>
          <thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Recorded</th><th scope="col">Trend</th></tr></thead>
          <tbody>
            ${shown.map((entry) => {
              const series = this.#model.series.get(entry.key);
              return html`<tr data-key=${entry.key}>
                <td class="key">${userText(entry.key)}</td>
                <td class="value"><athanor-json-tree .value=${entry.value} label="Value of ${entry.key}" ?closed=${closed}></athanor-json-tree></td>
                <td class="time"><time datetime=${entry.recordedAt}>${formatTime(entry.recordedAt)}</time></td>
                <td class="trend">${series ? html`<athanor-sparkline .values=${series} label=${entry.key}></athanor-sparkline>` : nothing}</td>
              </tr>`;
            })}
          </tbody>
        </table>
        ${rows.length > shown.length ? html`<button @click=${() => ((this.#showAll = true), this.requestUpdate())}>Show all ${rows.length} keys</button>` : nothing}
      </div>`;
  }
}

if (!customElements.get('athanor-results-panel')) customElements.define('athanor-results-panel', AthanorResultsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-results-panel': AthanorResultsPanel;
  }
}
