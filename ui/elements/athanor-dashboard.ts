/**
 * `<athanor-dashboard>`: every instance with its experiment, its latest run and its runs
 * counted by status, with quick actions; searchable, paged from the server, virtualized,
 * live.
 */
import { LitElement, html, nothing } from 'lit';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import { apiClient, type Instance, type Run } from '../client/api-client.ts';
import { INSTANCE_SORTS, type InstanceSort } from '../../core/records.ts';
import { pageHref, replaceInApp } from '../app/navigation.ts';
import { shortId } from '../app/format.ts';
import { LiveEventsController } from '../state/live-events.ts';
import {
  appendPage,
  firstPage,
  updateInstance,
  type InstanceListQuery,
  type InstancePages,
} from '../state/instance-pages.ts';
import { InstanceListSync } from '../state/instance-list-sync.ts';
import { theme } from '../styles/theme.ts';
import { dashboardStyles } from './dashboard/dashboard-styles.ts';
import { emptyState, headerRow, instanceRow } from './dashboard/dashboard-templates.ts';
import { latestFromRun, latestRunStyles } from './latest-run.ts';
import { userText } from './user-text.ts';

const SORT_LABELS: readonly (readonly [InstanceSort, string])[] = [
  ['activity', 'Latest activity'],
  ['name', 'Name'],
  ['created', 'Newest'],
];

/** Rows per request: the first fills a tall screen; later ones are fetched ahead of the scroll. */
const FIRST_PAGE = 60;
const NEXT_PAGE = 100;
/** Fetch the next page when the rendered rows come this close to the end of what is loaded. */
const LOOKAHEAD = 25;
/** How long typing pauses before the search is sent. */
const SEARCH_DELAY_MS = 250;

/**
 * The workbench's home: the instances (name, experiment, latest run with its status, time
 * and headline metrics, run counts) with Start run, View and Edit on each row, a search by
 * name, a filter by experiment, a sort, and a "New instance" button (shortcut `n` in the
 * app). Pages come from `GET /api/instances?limit=&cursor=` as the list scrolls and only
 * the rows on screen are in the DOM, so 10,000 instances read as fast as 10. Instances
 * appear, change and go, and their latest runs follow their runs, live.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - show only this experiment's instances (the filter's initial value)
 * @attr sort - `activity` (latest run, else creation: the default), `name` or `created`
 * @attr q - show only instances whose name contains this (case aside)
 */
export class AthanorDashboard extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    sort: {},
    q: {},
    pages: { state: true },
    experimentNames: { state: true },
    loadError: { state: true },
    notice: { state: true },
    starting: { state: true },
    searchText: { state: true },
    loadingMore: { state: true },
  };
  static override styles = [theme, latestRunStyles, dashboardStyles];

  declare api: string;
  declare experiment: string | undefined;
  declare sort: InstanceSort;
  declare q: string | undefined;
  declare pages: InstancePages | undefined;
  declare experimentNames: string[];
  declare loadError: string | undefined;
  declare notice: { text: string; run?: Run; error?: boolean } | undefined;
  declare starting: Set<string>;
  declare searchText: string;
  declare loadingMore: boolean;

  #live: LiveEventsController;
  #generation = 0;
  #loadedKey: string | undefined;
  readonly #sync = new InstanceListSync(this, { client: () => this.#client, query: () => this.#query, generation: () => this.#generation, firstPage: FIRST_PAGE });
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.api = '';
    this.sort = 'activity';
    this.experimentNames = [];
    this.starting = new Set();
    this.searchText = '';
    this.loadingMore = false;
    this.#live = new LiveEventsController(this, () => ({ api: this.api }), {
      'instance.created': ({ instance }) => this.#place(instance, true),
      'instance.updated': ({ instance }) => this.#place(instance, false),
      'instance.deleted': ({ instanceId }) => this.#sync.remove(instanceId),
      'run.status': ({ run }) => this.#runChanged(run),
      'experiment.changed': ({ experiment }) => this.#addNames([experiment.name]),
      reset: () => void this.load(),
    });
  }

  /** The instances loaded so far, in the list's order. */
  get instances(): readonly Instance[] | undefined {
    return this.pages?.items;
  }

  get #client() {
    return apiClient(this.api);
  }

  get #query(): InstanceListQuery {
    const q = this.q?.trim();
    return { sort: INSTANCE_SORTS.includes(this.sort) ? this.sort : 'activity', ...(this.experiment ? { experiment: this.experiment } : {}), ...(q ? { q } : {}) };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#loadedKey = undefined;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#searchTimer);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('q')) this.searchText = this.q ?? '';
    if (changed.has('api') && changed.get('api') !== undefined) this.#live.retarget();
    // Whatever changed the list asked for (a route, the filter, the search, the sort): its first page again.
    const key = JSON.stringify([this.api, this.#query]);
    if (key !== this.#loadedKey) {
      this.#loadedKey = key;
      void this.load();
    }
  }

  /** The filter, search and order live in the page's URL (in the app), so a reload or a link keeps them. */
  #choose(change: { experiment?: string | undefined; sort?: InstanceSort; q?: string }): void {
    if ('experiment' in change) this.experiment = change.experiment;
    if (change.sort) this.sort = change.sort;
    if ('q' in change) this.q = change.q;
    const { experiment, q, sort } = this.#query;
    const query = new URLSearchParams();
    if (experiment) query.set('experiment', experiment);
    if (q) query.set('q', q);
    if (sort !== 'activity') query.set('sort', sort);
    replaceInApp(this, `/experiments${query.size ? `?${query}` : ''}`);
  }

  /** (Re)loads the first page of the list, and the experiments' names for the filter. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    const query = this.#query;
    void this.#client.listExperiments().then(
      (experiments) => generation === this.#generation && this.#addNames(experiments.map((e) => e.name)),
      () => {},
    );
    try {
      const page = await this.#client.listInstances({ ...query, limit: FIRST_PAGE });
      if (generation !== this.#generation) return;
      this.pages = firstPage(page);
      this.#addNames(page.items.map((i) => i.experiment));
      this.loadError = undefined;
    } catch (error) {
      if (generation === this.#generation) this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  /** Fetches the page after the loaded ones (once at a time). */
  async loadMore(): Promise<void> {
    const pages = this.pages;
    if (!pages?.next || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    try {
      const page = await this.#client.listInstances({ ...this.#query, limit: NEXT_PAGE, cursor: pages.next });
      if (generation !== this.#generation || !this.pages) return;
      this.pages = appendPage(this.pages, page);
      this.#addNames(page.items.map((i) => i.experiment));
    } catch (error) {
      if (generation === this.#generation) this.notice = { text: `Could not load more instances: ${error instanceof Error ? error.message : error}`, error: true };
    } finally {
      this.loadingMore = false;
    }
  }

  #addNames(names: readonly string[]): void {
    const missing = names.filter((name) => !this.experimentNames.includes(name));
    if (missing.length) this.experimentNames = [...new Set([...this.experimentNames, ...missing])].sort();
  }

  #place(instance: Instance, created: boolean): void {
    this.#addNames([instance.experiment]);
    this.#sync.place(instance, created);
  }

  /** A run changed: its instance's latest run now; its counts (and metrics) re-read once per burst. */
  #runChanged(run: Run): void {
    if (!this.pages) return;
    const at = new Date().toISOString();
    this.pages = updateInstance(
      this.pages,
      run.instanceId,
      (instance) => {
        const latest = instance.latestRun;
        const newer = !latest || latest.id === run.id || latest.createdAt <= run.createdAt;
        return newer ? { ...instance, latestRun: latestFromRun(run, latest), lastRunAt: instance.lastRunAt && instance.lastRunAt > run.createdAt ? instance.lastRunAt : run.createdAt } : { ...instance, updatedAt: at };
      },
      this.#query,
    );
    this.#sync.touched(run.instanceId);
  }

  /** Starts a run of instance `id`. */
  async startRun(id: string): Promise<void> {
    const instance = this.pages?.items.find((i) => i.id === id);
    this.starting = new Set([...this.starting, id]);
    try {
      const run = await this.#client.startRun(id);
      this.notice = { text: `Started run ${shortId(run.id)} of ${instance?.name ?? id}.`, run };
      this.#sync.touched(id);
    } catch (error) {
      this.notice = { text: `Could not start a run of ${instance?.name ?? id}: ${error instanceof Error ? error.message : error}`, error: true };
    } finally {
      this.starting = new Set([...this.starting].filter((s) => s !== id));
    }
  }

  #onSearchInput(value: string): void {
    this.searchText = value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#choose({ q: value.trim() || undefined }), SEARCH_DELAY_MS);
  }

  #onSearchKey(event: KeyboardEvent): void {
    const input = event.target as HTMLInputElement;
    if (event.key === 'Enter') {
      clearTimeout(this.#searchTimer);
      this.#choose({ q: input.value.trim() || undefined });
    } else if (event.key === 'Escape' && input.value) {
      event.stopPropagation();
      this.searchText = input.value = '';
      clearTimeout(this.#searchTimer);
      this.#choose({ q: undefined });
    }
  }

  #onRange(event: RangeChangedEvent): void {
    const loaded = this.pages?.items.length ?? 0;
    if (event.last >= loaded - LOOKAHEAD) void this.loadMore();
  }

  #renderToolbar() {
    const { experiment } = this.#query;
    return html`<div class="toolbar row">
      <h1>Instances</h1>
      <span class="spacer"></span>
      <div class="search" role="search">
        <input id="search" type="search" placeholder="Search by name" aria-label="Search instances by name" autocomplete="off"
          spellcheck="false" .value=${this.searchText} @input=${(e: Event) => this.#onSearchInput((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => this.#onSearchKey(e)} />
      </div>
      <span class="control"><label for="filter">Experiment</label>
      <select id="filter" @change=${(e: Event) => this.#choose({ experiment: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="" ?selected=${!experiment}>All experiments</option>
        ${(experiment && !this.experimentNames.includes(experiment) ? [experiment, ...this.experimentNames] : this.experimentNames).map(
          (name) => html`<option value=${name} ?selected=${name === experiment}>${name}</option>`,
        )}
      </select></span>
      <span class="control"><label for="sort">Sort by</label>
      <select id="sort" @change=${(e: Event) => this.#choose({ sort: (e.target as HTMLSelectElement).value as InstanceSort })}>
        ${SORT_LABELS.map(([value, label]) => html`<option value=${value} ?selected=${value === this.#query.sort}>${label}</option>`)}
      </select></span>
      <a class="button primary" href=${pageHref(this.api, `/experiments/new${experiment ? `?experiment=${encodeURIComponent(experiment)}` : ''}`)}
        aria-keyshortcuts="n">New instance <kbd aria-hidden="true">n</kbd></a>
    </div>`;
  }

  #renderSummary(pages: InstancePages) {
    const { q, experiment } = this.#query;
    const count = `${pages.total.toLocaleString('en')} ${pages.total === 1 ? 'instance' : 'instances'}`;
    return html`<p class="summary muted" role="status" aria-live="polite">
      ${count}${experiment ? html` of <code>${userText(experiment)}</code>` : nothing}${q ? html` named like “${userText(q)}”` : nothing}${pages.total > pages.items.length
        ? ` · ${pages.items.length.toLocaleString('en')} loaded, more as you scroll`
        : ''}
    </p>`;
  }

  #renderTable(pages: InstancePages) {
    const { experiment } = this.#query;
    const context = { api: this.api, starting: this.starting, onStart: (id: string) => void this.startRun(id), now: Date.now() };
    return html`<div class="table" role="table" aria-label="Instances${experiment ? ` of ${experiment}` : ''}" aria-rowcount=${pages.total + 1}>
      <div class="head-group" role="rowgroup">${headerRow}</div>
      <div class="rows" role="rowgroup" @rangeChanged=${(e: RangeChangedEvent) => this.#onRange(e)}>
        ${virtualize({
          items: pages.items as Instance[],
          keyFunction: (instance: Instance) => instance.id,
          renderItem: (instance: Instance, index: number) => instanceRow(instance, index, context),
          layout: flow(),
        })}
      </div>
    </div>
    ${pages.next
      ? html`<div class="more muted">${this.loadingMore
          ? 'Loading more…'
          : html`<button type="button" @click=${() => void this.loadMore()}>Load more</button>`}</div>`
      : nothing}`;
  }

  override render() {
    const toolbar = this.#renderToolbar();
    if (this.loadError && !this.pages) {
      return html`${toolbar}
        <p class="error-text" role="alert">Could not load the instances: ${userText(this.loadError)}</p>
        <button type="button" @click=${() => this.load()}>Retry</button>`;
    }
    const pages = this.pages;
    if (!pages) return html`${toolbar}<p class="muted" role="status">Loading instances…</p>`;
    const notice = this.notice;
    const { experiment, q } = this.#query;
    return html`${toolbar}
      <div role="status" class="notice ${notice?.error ? 'error-text' : ''}">${notice
        ? html`${userText(notice.text)}
            ${notice.run ? html`<a href=${pageHref(this.api, `/runs/${encodeURIComponent(notice.run.id)}`)}>Watch it</a>` : nothing}`
        : nothing}</div>
      ${pages.items.length === 0
        ? emptyState({ api: this.api, experimentNames: this.experimentNames, ...(experiment ? { experiment } : {}), ...(q ? { q } : {}) })
        : html`${this.#renderSummary(pages)}${this.#renderTable(pages)}`}`;
  }
}

if (!customElements.get('athanor-dashboard')) customElements.define('athanor-dashboard', AthanorDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-dashboard': AthanorDashboard;
  }
}
