/**
 * When the registry commits (turns record changes into published events):
 * - at once when nothing is in flight;
 * - while loads run, at most every `commitDelayMs` (a hanging module never holds back the
 *   others' events), and a rename's removal and addition usually land in one commit;
 * - a commit that would remove a name waits `removalGraceMs` first, for the file that
 *   takes it over (a rename into a new folder is reported a little after the removal);
 * - not at all while suspended (the initial load commits once, at its end).
 */

/** What the scheduler asks of the registry. */
export interface CommitTarget {
  /** Records changed since the last commit. */
  isDirty(): boolean;
  /** Work is in flight or about to start (debounced). */
  isBusy(): boolean;
  /** The next commit would remove a listed name. */
  hasPendingRemoval(): boolean;
  commit(): void;
}

/** Options of {@link CommitScheduler}. */
export interface CommitSchedulerOptions {
  commitDelayMs: number;
  removalGraceMs: number;
}

/** Decides when to commit; call `request()` whenever work settles. */
export class CommitScheduler {
  readonly #target: CommitTarget;
  readonly #options: Readonly<CommitSchedulerOptions>;
  #timer: NodeJS.Timeout | undefined;
  #dirtySince: number | undefined;
  #removalSince: number | undefined;
  #suspended = false;
  #closed = false;

  constructor(target: CommitTarget, options: CommitSchedulerOptions) {
    this.#target = target;
    this.#options = Object.freeze({ ...options });
  }

  /** Commits now if due, else schedules the commit. */
  request(): void {
    if (this.#closed || this.#suspended || !this.#target.isDirty()) return;
    const now = performance.now();
    const busy = this.#target.isBusy();
    const removal = this.#target.hasPendingRemoval();
    this.#dirtySince ??= now;
    this.#removalSince = removal ? (this.#removalSince ?? now) : undefined;
    let due = busy ? this.#dirtySince + this.#options.commitDelayMs : now;
    if (this.#removalSince !== undefined) due = Math.max(due, this.#removalSince + this.#options.removalGraceMs);
    clearTimeout(this.#timer);
    if (due <= now) this.commitNow();
    else this.#timer = setTimeout(() => this.request(), due - now);
  }

  /** Commits whatever changed, now. */
  commitNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirtySince = this.#removalSince = undefined;
    if (!this.#closed && this.#target.isDirty()) this.#target.commit();
  }

  /** Holds commits back until `resume()` (which commits). */
  suspend(): void {
    this.#suspended = true;
  }

  resume(): void {
    this.#suspended = false;
    this.commitNow();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
