/**
 * `<athanor-log-view api run-id>`: a run's log, live, at any length.
 *
 * Design note (logs at scale): only the rows in view (plus an overscan) are in the DOM,
 * each one fixed height, positioned over a spacer as tall as the whole list
 * (state/log-scroll.ts maps scroll positions to rows, scaled past the browsers' height
 * cap). The rows come from a {@link LogWindow} (state/log-window.ts), which reads pages
 * through the API's cursor and holds a bounded number of them, so memory stays flat for a
 * million lines. Without a filter a scroll position maps straight to sequence numbers
 * (seq is 1..logCount per run); with a level filter the list is walked by cursor and its
 * scrollbar grows until the end is found (see the window's note). Live entries and scroll
 * events only mark the view dirty: it re-renders at most once per animation frame, so a
 * tail of thousands of lines a second costs one small render a frame. Following the tail
 * pauses when the reader scrolls up and resumes at the bottom or with "Jump to latest".
 * A row's message and metadata open in the inspector below the list, so every row keeps its height.
 */
import { LitElement, html, nothing } from 'lit';
import { ApiError, apiClient, type ApiClient, type LogEntry, type LogLevel, type Run } from '../client/api-client.ts';
import { formatClock, formatTime, previewValue } from '../app/format.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { ALL_LEVELS, LogWindow } from '../state/log-window.ts';
import { FollowState, atBottom, rowWindow, scrollTopFor, spacerHeight, type RowWindow, type ScrollGeometry } from '../state/log-scroll.ts';
import { logViewStyles } from './athanor-log-view.styles.ts';
import './athanor-json-tree.ts';
import { showDirectionControls, userText } from './user-text.ts';

/** Every row's height in px (the geometry depends on it: keep in step with the styles). */
export const LOG_ROW_HEIGHT = 20;
/** Row slots kept in the DOM: the viewport's rows and the overscan fit in it (more if the list is tall). */
const POOL_SIZE = 64;

/**
 * A run's log entries with a level filter, timestamps, metadata and auto-scroll.
 * Attributes: `api` (the workbench's API base, '' for this origin), `run-id`. Properties:
 * `run` (the run's record, when the page has it: saves a request); `levels` (the levels
 * shown, set by a page that filters several logs at once: the view's own toggles hide).
 */
export class AthanorLogView extends LitElement {
  static override properties = { api: {}, runId: { attribute: 'run-id' }, run: { attribute: false }, levels: { attribute: false } };
  static override styles = logViewStyles;

  declare api: string;
  declare runId: string;
  /** The run's record, if the page has it already (optional: read otherwise). */
  declare run: Run | undefined;
  /** The levels shown, when the page filters (undefined: the view's own toggles). */
  declare levels: readonly LogLevel[] | undefined;

  #client: ApiClient = apiClient('');
  #run: Run | undefined;
  /** Whether the run had ended when its log was opened (see #fitted). */
  #endedWhenOpened = false;
  #error: string | undefined;
  #window = this.#newWindow();
  #follow = new FollowState(false);
  #levels = new Set<LogLevel>(ALL_LEVELS);
  #selected: LogEntry | undefined;
  #scrollTop = 0;
  #viewport = 400;
  #rows: RowWindow = { first: 0, last: -1, firstVisible: 0, lastVisible: -1, offset: 0 };
  #frame = 0;
  #markedFirstRows = false;
  #resize: ResizeObserver | undefined;
  #loadToken = 0;

  #live = new LiveEventsController(this, () => (this.runId ? { api: this.api, filter: { run: this.runId } } : undefined), {
    'run.log': (event) => {
      if (event.runId === this.runId) this.#window.append(event.entries, event.omitted);
    },
    'run.status': (event) => {
      if (event.runId !== this.runId) return;
      this.#run = event.run;
      this.#window.setTotal(event.run.logCount);
      this.#schedule();
    },
    reset: () => void this.#load(),
  });

  constructor() {
    super();
    this.api = '';
    this.runId = '';
  }

  /** Row elements in the DOM (a fixed pool: the viewport's rows, the overscan and spare slots). */
  get renderedRows(): number {
    return this.shadowRoot?.querySelectorAll('.line').length ?? 0;
  }

  /** Whether the view follows the newest entries. */
  get following(): boolean {
    return this.#follow.following;
  }

  /** Pages of entries held in memory. */
  get pagesHeld(): number {
    return this.#window.pagesHeld;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#resize?.disconnect();
    this.#resize = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') || changed.has('runId')) {
      this.#client = apiClient(this.api);
      this.#live.retarget();
      void this.#load();
    }
    if (changed.has('levels') && this.levels) this.#setLevels(new Set(this.levels));
    const geometry = this.#geometry();
    if (this.#follow.following) this.#scrollTop = Math.max(0, spacerHeight(geometry) - this.#viewport);
    this.#rows = rowWindow(geometry, this.#scrollTop);
  }

  protected override updated(): void {
    const scroller = this.#scroller();
    if (scroller) {
      if (!this.#resize && typeof ResizeObserver !== 'undefined') {
        this.#resize = new ResizeObserver(() => {
          this.#viewport = scroller.clientHeight || this.#viewport;
          this.#schedule();
        });
        this.#resize.observe(scroller);
      }
      if (this.#follow.following && Math.abs(scroller.scrollTop - this.#scrollTop) >= 1) {
        this.#follow.scrolling(this.#scrollTop);
        scroller.scrollTop = this.#scrollTop;
      }
    }
    this.#window.show(this.#rows.first, this.#rows.last);
    if (!this.#markedFirstRows && this.#rows.last >= 0 && this.#window.row(this.#rows.firstVisible)) {
      this.#markedFirstRows = true;
      performance.mark?.('athanor:log-first-rows');
    }
  }

  /** Shows the newest entries and follows them. */
  jumpToLatest(): void {
    this.#follow.resume();
    this.#schedule();
  }

  /** Scrolls so that row `row` (0-based, in the current filter) is at the top. */
  scrollToRow(row: number): void {
    this.#follow.pause();
    const scroller = this.#scroller();
    this.#scrollTop = scrollTopFor(this.#geometry(), row);
    if (scroller) scroller.scrollTop = this.#scrollTop;
    this.#schedule();
  }

  #newWindow(): LogWindow {
    return new LogWindow({
      fetch: (after, limit, levels) => this.#client.readLogs(this.runId, { after, limit, ...(levels ? { levels } : {}) }),
      onChange: () => this.#schedule(),
      onError: (error) => {
        this.#error = error instanceof Error ? error.message : String(error);
        this.#schedule();
      },
    });
  }

  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    if (!this.runId) return;
    // A page that has the run already (the run view) hands it over: one request less.
    if (this.run?.id === this.runId && this.#run?.id !== this.runId) return this.#adopt(this.run);
    try {
      const run = await this.#client.getRun(this.runId);
      if (token !== this.#loadToken) return;
      this.#adopt(run);
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.#error = error instanceof ApiError && error.status === 404 ? `Run ${this.runId} not found.` : `Could not load the logs: ${(error as Error).message}`;
    }
    this.#schedule();
  }

  #adopt(run: Run): void {
    const fresh = this.#run?.id !== run.id;
    this.#run = run;
    this.#error = undefined;
    if (fresh) {
      this.#endedWhenOpened = run.status !== 'running' && run.status !== 'pending';
      this.#window = this.#newWindow();
      this.#window.setLevels(this.#levels.size === ALL_LEVELS.length ? undefined : [...this.#levels]);
      // Every log opens at its end, the newest entries (a finished run's outcome) in view.
      this.#follow = new FollowState(true);
      this.#scrollTop = 0;
      this.#scroller()?.scrollTo?.({ top: 0 });
    } else this.#window.reset();
    this.#window.setTotal(run.logCount);
    this.#schedule();
  }

  /** Marks the view dirty: one render at the next animation frame, however many calls. */
  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.requestUpdate();
    });
  }

  #geometry(): ScrollGeometry {
    return { rowHeight: LOG_ROW_HEIGHT, rowCount: this.#window.rowCount, viewport: this.#viewport };
  }

  #scroller(): HTMLElement | null | undefined {
    return this.shadowRoot?.querySelector<HTMLElement>('.scroller');
  }

  #onScroll = (event: Event) => {
    const scroller = event.currentTarget as HTMLElement;
    const moved = Math.abs(scroller.scrollTop - this.#scrollTop) >= 1;
    this.#scrollTop = scroller.scrollTop;
    this.#viewport = scroller.clientHeight || this.#viewport;
    const following = this.#follow.following;
    this.#follow.scrolled(scroller.scrollTop, atBottom(scroller, LOG_ROW_HEIGHT));
    // Our own scroll to the tail lands where the last render put the rows: nothing to redo.
    if (moved || following !== this.#follow.following) this.#schedule();
  };

  /**
   * Home and End go to the first and the newest entries at once. The browser's own (a smooth
   * scroll) was undone by a render that landed meanwhile while the view still followed the
   * tail: Home pressed as the newest entries loaded left the list at its end.
   */
  #onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Home' && event.key !== 'End') return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (event.key === 'Home') this.scrollToRow(0);
    else this.jumpToLatest();
  };

  #toggleLevel(level: LogLevel): void {
    const levels = new Set(this.#levels);
    if (levels.has(level)) levels.delete(level);
    else levels.add(level);
    this.#setLevels(levels);
    this.requestUpdate();
  }

  #setLevels(levels: Set<LogLevel>): void {
    if (levels.size === this.#levels.size && [...levels].every((level) => this.#levels.has(level))) return;
    this.#levels = levels;
    this.#window.setLevels(this.#levels.size === ALL_LEVELS.length ? undefined : [...this.#levels]);
    if (!this.#follow.following) {
      this.#scrollTop = 0;
      const scroller = this.#scroller();
      if (scroller) scroller.scrollTop = 0;
    }
  }

  /** One slot of the pool: row `index` at `y`, or hidden when the slot is not in use. */
  #line(index: number, y: number, used: boolean) {
    const entry = used ? this.#window.row(index) : undefined;
    const at = `transform: translateY(${y}px)`;
    if (!entry) return html`<div class="line loading" style=${at} ?hidden=${!used} aria-hidden="true"><span class="seq">…</span></div>`;
    const hasMeta = entry.metadata !== null && entry.metadata !== undefined;
    const open = this.#selected?.seq === entry.seq ? 'true' : 'false';
    const message = showDirectionControls(entry.message);
    // The message opens the inspector (the whole text, wrapped): a row cannot wrap. Where
    // the chip opens it too, the message is no second tab stop. The chip's preview goes in
    // a narrow list (styles), its name stays "Metadata of entry N".
    return html`<div class="line" style=${at} data-seq=${entry.seq}>
      <span class="seq" title=${formatTime(entry.timestamp)}>${entry.seq}</span><time datetime=${entry.timestamp} title=${formatTime(entry.timestamp)}>${formatClock(entry.timestamp)}</time
      ><span class="level ${entry.level}">${entry.level}</span><button class="message" title=${message} tabindex=${hasMeta ? '-1' : '0'} aria-expanded=${open} @click=${() => this.#select(entry)}
        ><bdi>${message}</bdi></button
      >${hasMeta
        ? html`<button class="meta" aria-expanded=${open} @click=${() => this.#select(entry)}
            ><span class="visually-hidden">Metadata of entry ${entry.seq}</span><span class="preview"><span class="visually-hidden">: </span>${userText(previewValue(entry.metadata, 60))}</span
            ><span class="compact" aria-hidden="true">{…}</span></button>`
        : nothing}
    </div>`;
  }

  /**
   * The rows as a fixed pool of slots: row i always goes to slot i mod the pool's size,
   * at a fixed place inside a block anchored at a page boundary. Scrolling a little
   * changes only the slots of the rows that came into view (the others render the same
   * values: no DOM work, nothing to repaint) and moves the block; a jump rewrites every
   * slot's text but creates no element.
   */
  #pool(first: number, last: number) {
    const size = Math.max(POOL_SIZE, last - first + 1);
    const anchor = first - (first % 1000);
    const slots = new Array(size);
    for (let slot = 0; slot < size; slot++) {
      const index = first + ((((slot - first) % size) + size) % size);
      slots[slot] = this.#line(index, (index - anchor) * LOG_ROW_HEIGHT, index <= last);
    }
    return { slots, anchor };
  }

  #select(entry: LogEntry): void {
    this.#selected = this.#selected?.seq === entry.seq ? undefined : entry;
    this.requestUpdate();
  }

  /** Whether the run is over: nothing more comes, so there is no following to pause. */
  #ended(): boolean {
    return this.#run !== undefined && this.#run.status !== 'running' && this.#run.status !== 'pending';
  }

  /**
   * A finished run's few lines get a box their size, not the whole log height of empty grey
   * (three rows at least, for the "No log entries" line). A run watched live keeps the full
   * height, also once it ends: the page does not shift as lines arrive or as the run stops
   * (what is below, a chart under the pointer, stays where it was).
   */
  #fitted(): string {
    if (!this.#endedWhenOpened || !this.#ended()) return '';
    return `height: min(var(--athanor-log-height, 420px), ${Math.max(this.#window.rowCount, 3) * LOG_ROW_HEIGHT + 2}px)`;
  }

  #toolbar() {
    const count = this.#window.rowCount;
    const what = this.#window.filtered ? (this.#window.exact ? `${count.toLocaleString()} matching` : `${count.toLocaleString()}+ matching`) : `${count.toLocaleString()} ${count === 1 ? 'entry' : 'entries'}`;
    return html`<div class="toolbar">
      ${this.levels
        ? nothing
        : html`<div role="group" aria-label="Levels shown" class="levels">
            ${ALL_LEVELS.map(
              (level) => html`<button class="level-toggle ${level}" aria-pressed=${this.#levels.has(level) ? 'true' : 'false'} @click=${() => this.#toggleLevel(level)}>
                <span aria-hidden="true">${this.#levels.has(level) ? '☑' : '☐'}</span>${level}</button>`,
            )}
          </div>`}
      <span class="muted count" aria-live="off">${what}</span>
      <span class="spacer"></span>
      ${count * LOG_ROW_HEIGHT <= this.#viewport
        ? nothing
        : html`${this.#ended() ? nothing : html`<span class="muted follow-state">${this.#follow.following ? 'following' : 'paused'}</span>`}
            ${this.#follow.following ? nothing : html`<button class="jump" @click=${() => this.jumpToLatest()}>↓ Jump to latest</button>`}`}
    </div>`;
  }

  override render() {
    if (this.#error && !this.#run) return html`<p class="error-text" role="alert">${userText(this.#error)}</p>`;
    if (!this.#run) return html`<p class="muted">Loading logs…</p>`;
    const { first, last, offset } = this.#rows;
    // Rows sit at fixed places inside a block that starts at a page boundary, keyed by row:
    // while scrolling, rows already shown keep their place and content (nothing to
    // repaint), only the block moves and a few rows come and go.
    const { slots: lines, anchor } = this.#pool(first, last);
    const empty = this.#window.rowCount === 0;
    return html`${this.#toolbar()}
      ${this.#error ? html`<p class="error-text" role="alert">${userText(this.#error)}</p>` : nothing}
      <div class="scroller" style=${this.#fitted()} tabindex="0" role="region" aria-label="Log entries" @scroll=${this.#onScroll} @keydown=${this.#onKey}>
        <div class="spacer-rows" style="height: ${spacerHeight(this.#geometry())}px"></div>
        <div class="rows" style="transform: translateY(${offset - (first - anchor) * LOG_ROW_HEIGHT}px)">${lines}</div>
        ${empty
          ? html`<p class="muted empty">${this.#levels.size === 0 ? 'No levels selected.' : this.#run.status === 'running' || this.#run.status === 'pending' ? 'No log entries yet.' : 'No log entries.'}</p>`
          : nothing}
      </div>
      ${this.#selected
        ? html`<section class="inspector" aria-label="Entry ${this.#selected.seq}">
            <div class="row"><strong>Entry ${this.#selected.seq}</strong><span class="muted">${this.#selected.level} · ${formatTime(this.#selected.timestamp)}</span>
              <span class="spacer"></span><button @click=${() => this.#select(this.#selected!)} aria-label="Close entry ${this.#selected.seq}">✕</button></div>
            <p class="mono message-full">${userText(this.#selected.message)}</p>
            ${this.#selected.metadata === null || this.#selected.metadata === undefined
              ? html`<p class="muted">No metadata.</p>`
              : html`<athanor-json-tree .value=${this.#selected.metadata} label="Metadata"></athanor-json-tree>`}
          </section>`
        : nothing}`;
  }
}

if (!customElements.get('athanor-log-view')) customElements.define('athanor-log-view', AthanorLogView);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-log-view': AthanorLogView;
  }
}
