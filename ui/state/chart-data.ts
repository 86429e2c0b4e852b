/**
 * The data behind `<athanor-chart>`: series of `[x, y]` points, overlaid on one x axis as
 * uPlot wants them (one shared, sorted x array, one y array per series with `null` where a
 * series has no point at that x), appended to in place while a run is live, and
 * summarised for screen readers. Pure (no DOM), so it is tested without a browser.
 */
import { formatTime } from '../app/format.ts';

/** One line of a chart: what it is, and its points in any order. */
export interface ChartSeries {
  label: string;
  points: readonly (readonly [number, number])[];
}

/** The aligned table uPlot draws: `x` ascending, `ys[i][row]` the value of series i at x[row]. */
export interface AlignedTable {
  x: number[];
  ys: (number | null)[][];
}

/** What a series holds: its extremes and how many points (kept as points are appended). */
export interface SeriesStats {
  count: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  firstY: number;
  lastY: number;
}

const byX = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0];

/** Only finite numbers are drawn (the server sends nothing else; a caller might). */
const finite = (p: readonly [number, number]) => Number.isFinite(p[0]) && Number.isFinite(p[1]);

/** A series' points, finite and sorted by x (sorted input, the usual case, is not re-sorted). */
export function sortedPoints(points: readonly (readonly [number, number])[]): [number, number][] {
  const kept = points.filter(finite).map((p) => [p[0], p[1]] as [number, number]);
  for (let i = 1; i < kept.length; i++) if (kept[i]![0] < kept[i - 1]![0]) return kept.sort(byX);
  return kept;
}

/**
 * Overlays sorted series on one x axis. An x that a series has twice (two results in one
 * millisecond, on a time axis) takes two rows, so no point is lost.
 */
export function alignSeries(series: readonly (readonly [number, number])[][]): AlignedTable {
  const x: number[] = [];
  const ys: (number | null)[][] = series.map(() => []);
  const at = series.map(() => 0);
  for (;;) {
    let next = Infinity;
    for (let i = 0; i < series.length; i++) {
      const point = series[i]![at[i]!];
      if (point && point[0] < next) next = point[0];
    }
    if (next === Infinity) return { x, ys };
    // The rows this x needs: as many as the series that has it most often.
    const counts = series.map((points, i) => {
      let n = 0;
      while (points[at[i]! + n]?.[0] === next) n++;
      return n;
    });
    const rows = Math.max(...counts);
    for (let r = 0; r < rows; r++) {
      x.push(next);
      for (let i = 0; i < series.length; i++) ys[i]!.push(r < counts[i]! ? series[i]![at[i]! + r]![1] : null);
    }
    for (let i = 0; i < series.length; i++) at[i]! += counts[i]!;
  }
}

/**
 * Adds points to series `index` of an aligned table, in place, when they all lie at or
 * after its last x (a live run's new points): O(new points). Returns false when they do
 * not, and the caller aligns everything again.
 */
export function appendAligned(table: AlignedTable, index: number, points: readonly (readonly [number, number])[]): boolean {
  const ys = table.ys[index];
  if (!ys) return false;
  let last = table.x.length - 1;
  for (let i = 1; i < points.length; i++) if (points[i]![0] < points[i - 1]![0]) return false;
  if (points.length > 0 && last >= 0 && points[0]![0] < table.x[last]!) return false;
  for (const [x, y] of points) {
    // The same x as the last row, where this series has no value yet: fill that row.
    if (last >= 0 && table.x[last] === x && ys[last] === null) {
      ys[last] = y;
      continue;
    }
    table.x.push(x);
    for (const other of table.ys) other.push(null);
    ys[++last] = y;
  }
  return true;
}

/** The stats of sorted points (undefined for none). */
export function seriesStats(points: readonly (readonly [number, number])[]): SeriesStats | undefined {
  if (points.length === 0) return undefined;
  const stats: SeriesStats = { count: 0, minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity, firstY: points[0]![1], lastY: 0 };
  return addToStats(stats, points);
}

/** `stats` with `points` (sorted, after the ones it counts) added; mutates and returns it. */
export function addToStats(stats: SeriesStats, points: readonly (readonly [number, number])[]): SeriesStats {
  for (const [x, y] of points) {
    if (stats.count === 0) stats.firstY = y;
    stats.count++;
    if (x < stats.minX) stats.minX = x;
    if (x > stats.maxX) stats.maxX = x;
    if (y < stats.minY) stats.minY = y;
    if (y > stats.maxY) stats.maxY = y;
    stats.lastY = y;
  }
  return stats;
}

/** Whether a series can be drawn on a log scale: every value above 0. */
export const loggable = (stats: SeriesStats | undefined): boolean => !stats || stats.minY > 0;

/**
 * A number as a chart shows it: up to 4 significant digits, exponents for the very small
 * and very large (a loss of 1e-29 must not read as 0).
 */
export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) {
    const [mantissa, exponent] = value.toExponential(3).split('e') as [string, string];
    return `${String(Number(mantissa))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** An x value as a label: a step as an integer, a time as the local date and time. */
export function formatX(value: number, axis: 'step' | 'time'): string {
  if (axis === 'step') return Number.isInteger(value) ? String(value) : formatNumber(value);
  // As every other time in the app reads (not the locale's, which may be M/D/YYYY).
  return formatTime(value);
}

/** One sentence for screen readers: what a series holds. */
export function describeSeries(label: string, stats: SeriesStats | undefined, axis: 'step' | 'time'): string {
  if (!stats) return `${label}: no points yet`;
  const span = `${axis === 'step' ? 'steps' : 'from'} ${formatX(stats.minX, axis)} to ${formatX(stats.maxX, axis)}`;
  const points = `${stats.count} point${stats.count === 1 ? '' : 's'}`;
  return `${label}: ${points}, ${span}, first ${formatNumber(stats.firstY)}, last ${formatNumber(stats.lastY)}, min ${formatNumber(stats.minY)}, max ${formatNumber(stats.maxY)}`;
}

/**
 * The row nearest `row` where `ys` has a value (the legend's value of a series at the
 * cursor, when series do not share every x): the nearer in x of the closest on each side.
 */
export function nearestValueRow(x: readonly number[], ys: readonly (number | null)[], row: number): number | null {
  if (ys[row] != null) return row;
  let left = row - 1;
  while (left >= 0 && ys[left] == null) left--;
  let right = row + 1;
  while (right < ys.length && ys[right] == null) right++;
  if (left < 0) return right < ys.length ? right : null;
  if (right >= ys.length) return left;
  return x[row]! - x[left]! <= x[right]! - x[row]! ? left : right;
}
