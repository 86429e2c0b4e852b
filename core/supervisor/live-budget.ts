/**
 * How many log entries per second go out live (to the event bus, and so to every open
 * tab), shared by all runs: a token bucket. Storage always gets everything; past the
 * budget a `run.log` event carries the newest entries and says which it left out, for a
 * reader to fetch by cursor. Without it, twenty runs logging at full speed would have the
 * server spend its time writing log lines to browsers instead of answering them.
 */
export class LiveBudget {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #at = performance.now();

  constructor(perSecond: number, burst = perSecond) {
    this.#rate = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
  }

  /** Takes up to `wanted` tokens; returns how many were granted. */
  take(wanted: number): number {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.#tokens)));
    this.#tokens -= granted;
    return granted;
  }
}
