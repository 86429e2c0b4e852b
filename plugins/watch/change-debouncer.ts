/**
 * Per-file debounce: a file fires `delayMs` after its last touch, so an editor's burst
 * (two writes in a row, a temp file renamed over the original) ends in one reload of the
 * final content. `maxWaitMs` bounds the wait for a file that never stops changing.
 *
 * @example
 * const debouncer = new ChangeDebouncer({ delayMs: 25, maxWaitMs: 250, fire: (file) => reload(file) });
 * debouncer.touch('/abs/x.ts');
 */
export interface ChangeDebouncerOptions<K> {
  delayMs: number;
  maxWaitMs: number;
  fire(key: K): void;
}

interface Pending {
  timer: NodeJS.Timeout;
  firstAt: number;
}

/** Debounces touches per key. */
export class ChangeDebouncer<K> {
  readonly #options: Readonly<ChangeDebouncerOptions<K>>;
  readonly #pending = new Map<K, Pending>();

  constructor(options: ChangeDebouncerOptions<K>) {
    this.#options = Object.freeze({ ...options });
  }

  /** How many keys wait to fire. */
  get size(): number {
    return this.#pending.size;
  }

  /** Whether the key waits to fire. */
  has(key: K): boolean {
    return this.#pending.has(key);
  }

  /** (Re)starts the key's timer. */
  touch(key: K): void {
    const now = performance.now();
    const previous = this.#pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const firstAt = previous?.firstAt ?? now;
    const wait = Math.max(0, Math.min(this.#options.delayMs, firstAt + this.#options.maxWaitMs - now));
    const timer = setTimeout(() => {
      this.#pending.delete(key);
      this.#options.fire(key);
    }, wait);
    this.#pending.set(key, { timer, firstAt });
  }

  /** Forgets a key without firing it; true if it was pending. */
  cancel(key: K): boolean {
    const pending = this.#pending.get(key);
    if (pending) clearTimeout(pending.timer);
    return this.#pending.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}
