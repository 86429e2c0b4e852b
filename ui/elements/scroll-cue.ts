/**
 * Marks each scrolling box of a component with the edges past which more of its content lies
 * (`data-more="right below"`), followed as it scrolls, resizes and fills; the theme's
 * `.scroll-cue` fades those edges. Where scrollbars are hidden until used (phones, overlay
 * scrollbars), a table cut at the box's edge looked complete: the fade says it goes on. The
 * start edge is not faded: the tables keep their first column there (sticky), and a box
 * starts scrolled to it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ScrollCueHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** A pixel of slack: sub-pixel layout must not cue a box that shows everything. */
const SLACK = 1;

/** The edges of `box` past which content is out of view, as `data-more` lists them. */
function hiddenSides(box: Pick<HTMLElement, 'scrollLeft' | 'scrollTop' | 'scrollWidth' | 'scrollHeight' | 'clientWidth' | 'clientHeight'>): string {
  const sides = [
    box.scrollWidth - box.clientWidth - box.scrollLeft > SLACK && 'right',
    box.scrollHeight - box.clientHeight - box.scrollTop > SLACK && 'below',
  ];
  return sides.filter(Boolean).join(' ');
}

/** Follows the host's `.scroll-cue` boxes (those rendered now; re-read after each update). */
export class ScrollCue implements ReactiveController {
  readonly #host: ScrollCueHost;
  #boxes: HTMLElement[] = [];
  #resize: ResizeObserver | undefined;

  constructor(host: ScrollCueHost) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdated(): void {
    const boxes = [...this.#host.renderRoot.querySelectorAll<HTMLElement>('.scroll-cue')];
    if (boxes.length !== this.#boxes.length || boxes.some((box, i) => box !== this.#boxes[i])) {
      this.#detach();
      this.#boxes = boxes;
      for (const box of boxes) box.addEventListener('scroll', this.#measure, { passive: true });
      if (typeof ResizeObserver !== 'undefined') {
        this.#resize = new ResizeObserver(this.#measure);
        // The box, and what it holds: content that grows (live results) changes what is hidden.
        for (const box of boxes) {
          this.#resize.observe(box);
          if (box.firstElementChild) this.#resize.observe(box.firstElementChild);
        }
      }
    }
    this.#measure();
  }

  hostDisconnected(): void {
    this.#detach();
    this.#boxes = [];
  }

  #detach(): void {
    for (const box of this.#boxes) box.removeEventListener('scroll', this.#measure);
    this.#resize?.disconnect();
    this.#resize = undefined;
  }

  #measure = (): void => {
    for (const box of this.#boxes) {
      const sides = hiddenSides(box);
      if (sides) {
        if (box.dataset['more'] !== sides) box.dataset['more'] = sides;
      } else if (box.dataset['more'] !== undefined) delete box.dataset['more'];
    }
  };
}
