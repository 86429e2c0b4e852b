/**
 * Runs `work` over `items`, `limit` at a time. Work that completes without real I/O (a
 * helper module needs no load) would chain through microtasks without ever yielding:
 * the event loop gets a turn every `yieldEveryMs`.
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  yieldEveryMs = 8,
): Promise<void> {
  let next = 0;
  let lastYield = performance.now();
  const worker = async () => {
    while (next < items.length) {
      await work(items[next++]!);
      if (performance.now() - lastYield > yieldEveryMs) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
