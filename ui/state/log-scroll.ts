/**
 * The pure geometry of the log list, kept apart from the element so it can be tested
 * without layout (happy-dom has none).
 *
 * Rows have one fixed height. The scroller holds a spacer as tall as all rows, up to
 * `MAX_SCROLL_PX` (browsers cap an element's height: about 33.5 M px in Chromium, 17.9 M
 * in Firefox): past it, scroll positions are scaled, so a pixel of scrollbar moves more
 * than a pixel of rows, and the list still reaches its first and last row exactly.
 */

/** Spacer heights above this are scaled. */
export const MAX_SCROLL_PX = 16_000_000;

export interface ScrollGeometry {
  rowHeight: number;
  rowCount: number;
  /** The scroller's visible height. */
  viewport: number;
  overscan?: number;
  maxScroll?: number;
}

/** The spacer's height for `rowCount` rows. */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(g.rowCount * g.rowHeight, g.maxScroll ?? MAX_SCROLL_PX);
}

/** The row (fractional) at the top of the viewport for `scrollTop`. */
export function topRowAt(g: ScrollGeometry, scrollTop: number): number {
  const full = g.rowCount * g.rowHeight;
  const spacer = spacerHeight(g);
  if (full <= spacer) return Math.max(0, scrollTop / g.rowHeight);
  const visibleRows = g.viewport / g.rowHeight;
  const range = Math.max(1, spacer - g.viewport);
  return Math.max(0, Math.min(1, scrollTop / range)) * Math.max(0, g.rowCount - visibleRows);
}

/** The `scrollTop` that shows row `row` at the top. */
export function scrollTopFor(g: ScrollGeometry, row: number): number {
  const full = g.rowCount * g.rowHeight;
  const spacer = spacerHeight(g);
  if (full <= spacer) return row * g.rowHeight;
  const visibleRows = g.viewport / g.rowHeight;
  const range = Math.max(1, spacer - g.viewport);
  return (row / Math.max(1, g.rowCount - visibleRows)) * range;
}

export interface RowWindow {
  /** First and last row to render (overscan included); last < first when none. */
  first: number;
  last: number;
  /** First and last row actually in the viewport. */
  firstVisible: number;
  lastVisible: number;
  /** Where the first rendered row goes, in px from the spacer's top. */
  offset: number;
}

/** Which rows to render for `scrollTop`, and where. */
export function rowWindow(g: ScrollGeometry, scrollTop: number): RowWindow {
  const overscan = g.overscan ?? 10;
  const top = topRowAt(g, scrollTop);
  const firstVisible = Math.floor(top);
  const lastVisible = Math.min(g.rowCount - 1, Math.ceil(top + g.viewport / g.rowHeight) - 1);
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(g.rowCount - 1, lastVisible + overscan);
  return { first, last, firstVisible, lastVisible, offset: scrollTop - (top - first) * g.rowHeight };
}

/** Whether `scrollTop` shows the end of the list (within a row). */
export function atBottom(scroll: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack: number): boolean {
  return scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - slack;
}

/**
 * Auto-scroll: following the tail pauses when the reader scrolls up, and resumes when
 * they come back to the bottom or ask for the latest.
 */
export class FollowState {
  #following: boolean;
  /** Where our own last scroll went: its event is not the reader's. */
  #programmatic: number | undefined;
  #last = 0;

  constructor(following: boolean) {
    this.#following = following;
  }

  get following(): boolean {
    return this.#following;
  }

  /** We are about to scroll to `scrollTop` (the next scroll event there is ours). */
  scrolling(scrollTop: number): void {
    this.#programmatic = scrollTop;
  }

  /**
   * A scroll event. Reaching the bottom resumes following; moving up pauses it. Moving
   * down short of the bottom changes nothing (the list may have grown under the reader).
   */
  scrolled(scrollTop: number, bottom: boolean): void {
    const previous = this.#last;
    this.#last = scrollTop;
    if (this.#programmatic !== undefined && Math.abs(scrollTop - this.#programmatic) < 2) {
      this.#programmatic = undefined;
      return;
    }
    this.#programmatic = undefined;
    if (bottom) this.#following = true;
    else if (scrollTop < previous - 1) this.#following = false;
  }

  /** The reader asked for the latest entries ("jump to latest", End). */
  resume(): void {
    this.#following = true;
  }

  /** The reader moved away on purpose (Home, a jump). */
  pause(): void {
    this.#following = false;
  }
}
