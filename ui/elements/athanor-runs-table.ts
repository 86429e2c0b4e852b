/**
 * `<athanor-runs-table experiment="…" api="…" query="…">`: every run of every instance of an
 * experiment in one table — run, instance, status, started, duration, each configuration
 * field and each metric (its latest numeric value) — sorted and filtered on the server,
 * read a page at a time as the reader scrolls, live. Two to twenty runs selected open
 * side by side in the compare view.
 *
 * Its state (sort, filters, columns) is `query`, a URL query: in the app it is the page's
 * own, so a reload or a shared link shows the same table (runs-table/runs-table-query.ts).
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import '@lit-labs/virtualizer';
import type { VisibilityChangedEvent } from '@lit-labs/virtualizer/events.js';
import type { RunsTableRow } from '../../core/records.ts';
import { apiClient } from '../client/api-client.ts';
import { formatDuration, formatMetric, formatTime, previewValue, shortId } from '../app/format.ts';
import { pageHref, replaceInApp } from '../app/navigation.ts';
import { theme } from '../styles/theme.ts';
import './athanor-status-badge.ts';
import './runs-table/athanor-runs-filters.ts';
import './runs-table/athanor-runs-columns.ts';
import { userText } from './user-text.ts';
import type { FiltersChangeDetail } from './runs-table/athanor-runs-filters.ts';
import type { ColumnsChangeDetail } from './runs-table/athanor-runs-columns.ts';
import { availableColumns, cellValue, gridTemplate, requestedColumns, shownColumns, type RunsColumn } from './runs-table/runs-table-columns.ts';
import { PAGE_SIZE, RunsTableData } from './runs-table/runs-table-data.ts';
import { RunsTableLive } from './runs-table/runs-table-live.ts';
import { EMPTY_STATE, formatSort, formatTableState, nextSort, parseFilter, parseTableState, type RunsTableState } from './runs-table/runs-table-query.ts';
import { runsTableStyles } from './runs-table/runs-table-styles.ts';
import { RunsTableSideways } from './runs-table/runs-table-sideways.ts';

/** How many runs the compare view takes. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 20;
/** The server's order when none is chosen: newest started first. */
const DEFAULT_SORT = { column: 'startedAt', direction: 'desc' } as const;
const CHECK_COLUMN = 40;

/** The page of an experiment's runs table, with its state as a query. */
export const runsTablePath = (experiment: string, query = '') => `/experiments/by-name/${encodeURIComponent(experiment)}/runs${query ? `?${query}` : ''}`;

/**
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - the experiment whose runs are listed
 * @attr query - the table's state: `sort=metrics.loss:desc&filter=status=completed&columns=…`
 * @attr page-size - rows read per request (default 50; more are read as the reader scrolls)
 */
export class AthanorRunsTable extends LitElement {
  static override properties = { api: {}, experiment: {}, query: {}, pageSize: { attribute: 'page-size', type: Number }, selected: { state: true } };
  static override styles = [theme, runsTableStyles];

  declare api: string;
  declare experiment: string;
  declare query: string;
  /** Rows read per request (1 to 500). */
  declare pageSize: number;
  /** The runs ticked for comparison, in the order they were ticked. */
  declare selected: string[];

  readonly data = new RunsTableData(this);
  readonly #sideways = new RunsTableSideways(this);
  #state: RunsTableState = EMPTY_STATE;
  #loadedKey = '';
  /** How far the rows were scrolled sideways before they were read again, to scroll back to. */
  #scrollLeft: number | undefined;
  /** Opened sorted by a column (a link, a reload): that column is brought into view once the rows show. */
  #revealSorted = true;
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #live = new RunsTableLive(this, {
    api: () => this.api,
    experiment: () => this.experiment,
    client: () => apiClient(this.api),
    data: this.data,
    dependsOnMetrics: () => Boolean(this.#state.sort?.column.startsWith('metrics.') || this.#state.filters.some((f) => f.startsWith('metrics.'))),
  });

  constructor() {
    super();
    this.api = '';
    this.experiment = '';
    this.query = '';
    this.pageSize = PAGE_SIZE;
    this.selected = [];
  }

  /** The state shown (parsed from `query`). */
  get state(): RunsTableState {
    return this.#state;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnected (moved in the page): read the rows again, they may have changed meanwhile.
    if (this.hasUpdated) void this.data.refresh();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('query')) this.#state = parseTableState(this.query ?? '');
    if (changed.has('experiment')) {
      this.#live.forget();
      this.selected = [];
      this.#revealSorted = true;
    }
    const pageSize = Math.min(500, Math.max(1, Math.floor(this.pageSize) || PAGE_SIZE));
    const key = `${this.api}\n${this.experiment}\n${pageSize}\n${this.#state.sort ? formatSort(this.#state.sort) : ''}\n${this.#state.filters.join('\n')}\n${requestedColumns(this.#state.columns)?.join(',') ?? '*'}`;
    if (key !== this.#loadedKey && this.experiment) {
      // A new sort, filter or choice of columns reads the rows again (their box goes while it
      // does): the reader keeps their place sideways, where the column they sorted by is.
      this.#scrollLeft = changed.has('experiment') ? undefined : this.renderRoot.querySelector<HTMLElement>('.scroll')?.scrollLeft;
      this.#loadedKey = key;
      void this.data.reset({
        client: apiClient(this.api),
        experiment: this.experiment,
        pageSize,
        query: {
          ...(this.#state.sort ? { sort: formatSort(this.#state.sort) } : {}),
          filters: this.#state.filters,
          ...(this.#state.columns ? { columns: requestedColumns(this.#state.columns) } : {}),
        },
      });
    }
  }

  protected override updated(): void {
    this.#live.retarget();
    const box = this.renderRoot.querySelector<HTMLElement>('.scroll');
    if (box && this.#scrollLeft !== undefined && this.data.loaded && !this.data.loading) {
      box.scrollLeft = this.#scrollLeft;
      this.#scrollLeft = undefined;
    }
    if (box && this.#revealSorted && this.data.loaded && !this.data.loading) {
      this.#revealSorted = false;
      // Metrics come after the configuration's columns: a table opened sorted by one showed it out of view.
      const sorted = this.#state.sort && box.querySelector<HTMLElement>(`.th[data-column="${CSS.escape(this.#state.sort.column)}"]`);
      if (sorted) {
        const [cell, view] = [sorted.getBoundingClientRect(), box.getBoundingClientRect()];
        if (cell.right > view.right || cell.left < view.left) box.scrollLeft += cell.left - view.left - Math.max(0, (view.width - cell.width) / 2);
      }
    }
    // A running run's duration grows: redraw each second while one is shown.
    const running = this.data.rows.some((row) => row.status === 'running');
    if (running && !this.#ticker) this.#ticker = setInterval(() => this.requestUpdate(), 1000);
    if (!running && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  /** Changes the state, and the page's URL with it (in the app). */
  setState(change: Partial<RunsTableState>): void {
    this.query = formatTableState({ ...this.#state, ...change });
    replaceInApp(this, runsTablePath(this.experiment, this.query));
  }

  #toggle(id: string, on: boolean): void {
    this.selected = on ? [...this.selected.filter((s) => s !== id), id] : this.selected.filter((s) => s !== id);
  }

  #onVisibility = (event: VisibilityChangedEvent) => {
    if (event.last >= this.data.rows.length - 10) void this.data.loadMore();
  };

  #header(column: RunsColumn) {
    const sort = this.#state.sort ?? DEFAULT_SORT;
    const active = sort.column === column.id;
    const kind = column.kind === 'config' ? 'config' : column.kind === 'metric' ? 'metric' : '';
    const filtered = this.#state.filters.some((f) => parseFilter(f)?.column === column.id);
    return html`<div class="th ${column.numeric ? 'num' : ''}" role="columnheader" data-column=${column.id}
      aria-sort=${active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" aria-pressed=${active ? 'true' : 'false'} title="Sort by ${column.id}"
        @click=${() => this.setState({ sort: nextSort(this.#state.sort ?? DEFAULT_SORT, column.id) })}>
        ${kind ? html`<span class="kind">${kind}${filtered ? html` <span class="filtered">· filtered</span>` : nothing}</span>` : nothing}
        <span class="label">${userText(column.label)}${active ? html` <span class="arrow" aria-hidden="true">${sort.direction === 'asc' ? '▲' : '▼'}</span>` : nothing}</span>
      </button>
    </div>`;
  }

  #cell(row: RunsTableRow, column: RunsColumn) {
    switch (column.id) {
      case 'run':
        return html`<a class="mono" href=${pageHref(this.api, `/runs/${encodeURIComponent(row.id)}`)} title=${row.id}>${shortId(row.id)}</a>`;
      case 'instance':
        return html`<a href=${pageHref(this.api, `/experiments/${encodeURIComponent(row.instanceId)}`)} title=${row.instanceName}>${userText(row.instanceName)}</a>`;
      case 'status':
        return html`<athanor-status-badge status=${row.status}></athanor-status-badge>${row.worker
          ? html` <span class="muted worker" title="Ran on worker ${row.worker}">${userText(row.worker)}</span>`
          : nothing}`;
      case 'startedAt':
        return row.startedAt
          ? html`<time datetime=${row.startedAt}>${formatTime(row.startedAt)}</time>`
          : html`<span class="muted" title="Created ${formatTime(row.createdAt)}">not started</span>`;
      case 'duration':
        return formatDuration(row.startedAt, row.completedAt);
    }
    const value = cellValue(row, column);
    if (value === undefined || value === null) return html`<span class="muted" aria-label="none">—</span>`;
    if (typeof value === 'number') return html`<span title=${String(value)}>${column.kind === 'metric' ? formatMetric(value) : String(value)}</span>`;
    const text = previewValue(value, 60);
    return html`<span title=${text}>${userText(text)}</span>`;
  }

  #row(row: RunsTableRow, index: number, columns: RunsColumn[]) {
    const selected = this.selected.includes(row.id);
    const full = !selected && this.selected.length >= COMPARE_MAX;
    return html`<div class="tr run ${selected ? 'selected' : ''}" role="row" data-id=${row.id} aria-rowindex=${index + 2}>
      <div class="td check" role="cell">
        <input type="checkbox" .checked=${selected} ?disabled=${full} aria-label="Select run ${shortId(row.id)} to compare"
          title=${full ? `At most ${COMPARE_MAX} runs are compared` : 'Select to compare'}
          @change=${(e: Event) => this.#toggle(row.id, (e.target as HTMLInputElement).checked)} />
      </div>
      ${columns.map((c) => html`<div class="td ${c.numeric ? 'num' : ''}" role="cell" data-column=${c.id}>${this.#cell(row, c)}</div>`)}
    </div>`;
  }

  #compareBar() {
    const count = this.selected.length;
    const ready = count >= COMPARE_MIN && count <= COMPARE_MAX;
    const href = pageHref(this.api, `/compare?runs=${this.selected.map(encodeURIComponent).join(',')}`);
    return html`<span class="selection muted" role="status">${count ? `${count} selected` : `Select ${COMPARE_MIN} to ${COMPARE_MAX} runs to compare`}</span>
      ${count ? html`<button type="button" class="clear-selection" @click=${() => (this.selected = [])}>Clear</button>` : nothing}
      ${ready
        ? html`<a class="button primary compare" href=${href}>Compare ${count} runs</a>`
        : html`<button type="button" class="primary compare" disabled title="Select ${COMPARE_MIN} to ${COMPARE_MAX} runs">Compare</button>`}`;
  }

  #problem() {
    const error = this.data.error;
    if (!error) return nothing;
    if (!this.data.loaded && this.data.errorStatus === 404) {
      return html`<p class="error-text" role="alert">There is no experiment named <code>${userText(this.experiment)}</code> (its file may have been removed or renamed).
        <a href=${pageHref(this.api, '/experiments')}>All instances</a> · <a href=${pageHref(this.api, '/source')}>Experiments</a></p>`;
    }
    // A sort, filter or column the server refuses (a URL edited by hand, a field since removed): asking again gets the same answer.
    if (this.data.errorStatus === 400) {
      return html`<p class="error-text" role="alert">This view cannot be shown: ${userText(error)}
        <button type="button" @click=${() => this.setState(EMPTY_STATE)}>Show the default view</button></p>`;
    }
    return html`<p class="error-text" role="alert">Could not load the runs: ${userText(error)}
      <button type="button" @click=${() => (this.data.loaded ? void this.data.refresh() : this.#reload())}>Retry</button></p>`;
  }

  #reload(): void {
    this.#loadedKey = '';
    this.requestUpdate();
  }

  /** Which columns lie out of the box, with buttons that scroll to them (none when every column shows). */
  #sidewaysBar() {
    const { left, right } = this.#sideways;
    if (!left && !right) return nothing;
    const words = (n: number, side: string) => `${n} ${n === 1 ? 'column' : 'columns'} ${side}`;
    return html`<div class="sideways">
      <span class="muted">Out of view: ${[left ? words(left, 'to the left') : '', right ? words(right, 'to the right') : ''].filter(Boolean).join(', ')}</span>
      <button type="button" class="scroll-left" ?disabled=${!left} @click=${() => this.#sideways.scroll(-1)}>← Scroll left</button>
      <button type="button" class="scroll-right" ?disabled=${!right} @click=${() => this.#sideways.scroll(1)}>Scroll right →</button>
    </div>`;
  }

  #empty() {
    if (this.#state.filters.length) {
      return html`<p class="empty muted">No runs match these filters. <button type="button" @click=${() => this.setState({ filters: [] })}>Clear filters</button></p>`;
    }
    return html`<p class="empty muted">No runs of <code>${userText(this.experiment)}</code> yet: start one from one of its instances.</p>`;
  }

  override render() {
    const data = this.data;
    const offered = availableColumns(data.columns);
    const columns = shownColumns(offered, this.#state.columns);
    const grid = gridTemplate(columns, CHECK_COLUMN);
    const notFound = !data.loaded && data.errorStatus === 404;
    return html`
      <div class="toolbar">
        <div>
          <p class="crumbs"><a href=${pageHref(this.api, `/source/${encodeURIComponent(this.experiment)}`)}>${userText(this.experiment)}</a> › runs</p>
          <h1>Runs of <code>${userText(this.experiment)}</code></h1>
        </div>
        <span class="total" role="status">${data.loaded ? `${data.total.toLocaleString('en-US')} ${data.total === 1 ? 'run' : 'runs'}${this.#state.filters.length ? ' match' : ''}` : data.loading ? 'Loading…' : ''}</span>
        <span class="spacer"></span>
        ${this.#compareBar()}
        <athanor-runs-columns .columns=${offered} .chosen=${this.#state.columns}
          @athanor-columns-change=${(e: CustomEvent<ColumnsChangeDetail>) => this.setState({ columns: e.detail.columns })}></athanor-runs-columns>
      </div>
      ${notFound
        ? nothing
        : html`<athanor-runs-filters .filters=${this.#state.filters} .columns=${offered.filter((c) => c.kind !== 'run')}
            @athanor-filters-change=${(e: CustomEvent<FiltersChangeDetail>) => this.setState({ filters: e.detail.filters })}></athanor-runs-filters>`}
      ${this.#problem()}
      ${data.loaded && data.rows.length === 0 ? this.#empty() : nothing}
      ${data.rows.length
        ? html`${this.#sidewaysBar()}<div class="scroll" tabindex="0" role="region" aria-label="Runs of ${this.experiment}">
            <div class="grid" role="table" aria-label="Runs" aria-rowcount=${data.total + 1} style="--cols: ${grid.template}; min-width: ${grid.width}px">
              <div class="tr head" role="row" aria-rowindex="1">
                <div class="th check" role="columnheader"><span class="visually-hidden">Select</span></div>
                ${columns.map((c) => this.#header(c))}
              </div>
              <lit-virtualizer role="rowgroup" .items=${data.rows} .keyFunction=${(row: RunsTableRow) => row.id}
                .renderItem=${(row: RunsTableRow, index: number) => this.#row(row, index, columns)}
                @visibilityChanged=${this.#onVisibility}></lit-virtualizer>
            </div>
          </div>
          <div class="more">
            <span class="muted">${data.rows.length.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')} shown</span>
            ${data.next ? html`<button type="button" ?disabled=${data.loading} @click=${() => void this.data.loadMore()}>${data.loading ? 'Loading…' : 'Load more'}</button>` : nothing}
          </div>`
        : nothing}
    `;
  }
}

if (!customElements.get('athanor-runs-table')) customElements.define('athanor-runs-table', AthanorRunsTable);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-runs-table': AthanorRunsTable;
  }
}
