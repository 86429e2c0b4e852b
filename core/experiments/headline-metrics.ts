/**
 * The few metrics lists of instances show for a run (its headline), chosen from its latest
 * numeric results (`latestMetrics`, run-metrics.ts).
 */

/** Keys that count rather than measure (`step`, `epoch_3`): a headline shows them last. */
const COUNTER = /^(step|steps|epoch|epochs|iter|iteration|iterations|batch|index|i)([_\-. ]?\d+)?$/i;

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The few metrics a list shows for a run: measures before counters, then keys in natural
 * order (`acc_2` before `acc_10`), at most `count` of them.
 *
 * @example
 * headlineMetrics({ step: 100, loss: 0.2, accuracy: 0.9, lr: 0.001 }) // { accuracy: 0.9, loss: 0.2, lr: 0.001 }
 */
export function headlineMetrics(metrics: Readonly<Record<string, number>>, count = 3): Record<string, number> {
  const keys = Object.keys(metrics).sort((a, b) => Number(COUNTER.test(a)) - Number(COUNTER.test(b)) || naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.slice(0, count).map((key) => [key, metrics[key]!]));
}
