/**
 * One refetch per burst of live events: `schedule(delay)` asks for `run` within `delay` ms;
 * asks meanwhile with a later deadline change nothing, an earlier one brings it forward.
 * So a view can ask often (each event) and still read the server at most once a burst.
 *
 * @example
 * const refresh = new RefreshTimer(() => void view.reload());
 * bus.on('run.status', () => refresh.schedule(400));
 * bus.on('run.result', () => refresh.schedule(2000));
 */
export class RefreshTimer {
  readonly #run: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = Infinity;

  constructor(run: () => void) {
    this.#run = run;
  }

  /** Runs within `delay` ms (or sooner, if already due sooner). */
  schedule(delay: number): void {
    const due = Date.now() + delay;
    if (this.#timer !== undefined && due >= this.#due) return;
    this.cancel();
    this.#due = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#due = Infinity;
      this.#run();
    }, delay);
  }

  /** Forgets what was scheduled. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Infinity;
  }
}
