/**
 * How many of the runs table's columns lie out of its box, left and right, followed as it
 * scrolls and resizes: a table wider than its box scrolls sideways, but nothing shows that
 * it does where scrollbars are hidden until used (overlay scrollbars), nor lets a mouse
 * without a sideways wheel get there; the table says how many columns are out of view and
 * offers buttons that scroll to them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface SidewaysHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** Follows the host's `.scroll` box and the headers (`.th[data-column]`) in it. */
export class RunsTableSideways implements ReactiveController {
  /** Columns (partly) out of view on each side. */
  left = 0;
  right = 0;
  readonly #host: SidewaysHost;
  #box: HTMLElement | null = null;
  #resize: ResizeObserver | undefined;

  constructor(host: SidewaysHost) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdated(): void {
    const box = this.#host.renderRoot.querySelector<HTMLElement>('.scroll');
    if (box !== this.#box) {
      this.#detach();
      this.#box = box;
      box?.addEventListener('scroll', this.#measure, { passive: true });
      if (box && typeof ResizeObserver !== 'undefined') {
        this.#resize = new ResizeObserver(this.#measure);
        this.#resize.observe(box);
      }
    }
    this.#measure();
  }

  hostDisconnected(): void {
    this.#detach();
    this.#box = null;
  }

  /** Scrolls the box most of its width towards `direction`. */
  scroll(direction: -1 | 1): void {
    const box = this.#box;
    box?.scrollBy({ left: direction * Math.max(120, box.clientWidth * 0.8) });
  }

  #detach(): void {
    this.#box?.removeEventListener('scroll', this.#measure);
    this.#resize?.disconnect();
    this.#resize = undefined;
  }

  #measure = (): void => {
    const box = this.#box;
    let left = 0;
    let right = 0;
    if (box && box.scrollWidth > box.clientWidth) {
      const { left: start, right: end } = box.getBoundingClientRect();
      for (const header of box.querySelectorAll('.th[data-column]')) {
        const rect = header.getBoundingClientRect();
        // A pixel of slack: sub-pixel widths must not count a column that shows whole.
        if (rect.left < start - 1) left++;
        else if (rect.right > end + 1) right++;
      }
    }
    if (left === this.left && right === this.right) return;
    this.left = left;
    this.right = right;
    this.#host.requestUpdate();
  };
}
