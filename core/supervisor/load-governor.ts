/**
 * Keeps the workbench answering while runs flood it. A timer measures how late the event
 * loop is; when it falls behind by more than `pauseAboveMs`, every run's output is paused
 * (the children then wait on their pipes) until the loop is back under `resumeBelowMs`, so
 * requests and event streams go first and the runs take what time is left. A pause never
 * lasts longer than `maxPauseMs`, and is followed by at least `minRunMs` of output: runs
 * slow down under load, they never stop.
 */
export interface LoadGovernorOptions {
  intervalMs?: number;
  pauseAboveMs?: number;
  resumeBelowMs?: number;
  maxPauseMs?: number;
  minRunMs?: number;
}

export class LoadGovernor {
  readonly #o: Required<LoadGovernorOptions>;
  readonly #listeners = new Set<(paused: boolean) => void>();
  #timer: NodeJS.Timeout | undefined;
  #expected = 0;
  #pausedAt: number | undefined;
  #runUntil = 0;

  constructor(options: LoadGovernorOptions = {}) {
    this.#o = { intervalMs: 10, pauseAboveMs: 15, resumeBelowMs: 4, maxPauseMs: 250, minRunMs: 50, ...options };
  }

  get paused(): boolean {
    return this.#pausedAt !== undefined;
  }

  /** Calls `listener(paused)` on every change; the timer runs only while someone listens. */
  subscribe(listener: (paused: boolean) => void): () => void {
    this.#listeners.add(listener);
    if (this.paused) listener(true);
    if (!this.#timer) {
      this.#expected = performance.now() + this.#o.intervalMs;
      this.#timer = setInterval(() => this.#tick(), this.#o.intervalMs).unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        this.#pausedAt = undefined;
      }
    };
  }

  #tick(): void {
    const now = performance.now();
    const lag = now - this.#expected;
    this.#expected = now + this.#o.intervalMs;
    if (this.#pausedAt === undefined) {
      if (lag > this.#o.pauseAboveMs && now >= this.#runUntil) this.#set(now);
    } else if (lag < this.#o.resumeBelowMs) {
      this.#set(undefined);
    } else if (now - this.#pausedAt > this.#o.maxPauseMs) {
      this.#runUntil = now + this.#o.minRunMs;
      this.#set(undefined);
    }
  }

  #set(pausedAt: number | undefined): void {
    this.#pausedAt = pausedAt;
    // While output is paused the timer must keep the process alive to resume it: a run in
    // this process (the test harness) has no child whose pipe would, and would wait for ever.
    if (pausedAt === undefined) this.#timer?.unref();
    else this.#timer?.ref();
    for (const listener of this.#listeners) listener(pausedAt !== undefined);
  }
}
