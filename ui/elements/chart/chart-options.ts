/**
 * The uPlot options of `<athanor-chart>`: one line per series in the theme's colours, a
 * step or time x axis, a linear or logarithmic y axis, and a legend that shows each
 * series' value at the cursor. Colours are read from the element's computed theme, so
 * they follow light and dark.
 */
import uPlot from 'uplot';
import { formatNumber, formatX, nearestValueRow } from '../../state/chart-data.ts';
import { formatClockSeconds, formatDate } from '../../app/format.ts';

/**
 * A time axis's tick labels as the app writes times: `14:03:07`, with the date
 * (`2026-11-24`, a second line) under the first tick and wherever the day changes;
 * uPlot's own are American (`11/24`, `2:03pm`).
 */
export function timeTicks(splits: readonly (number | null)[]): string[] {
  let day = '';
  return splits.map((v) => {
    if (v == null) return '';
    const date = new Date(v);
    const today = formatDate(date);
    const label = today === day ? formatClockSeconds(date) : `${formatClockSeconds(date)}\n${today}`;
    day = today;
    return label;
  });
}

/** The theme's colours and font as the canvas needs them (it cannot read custom properties). */
export interface ChartLook {
  colors: string[];
  text: string;
  muted: string;
  grid: string;
  font: string;
}

const PALETTE_SIZE = 8;
/** Past the palette, lines repeat its colours dashed, then dotted, so 20 runs stay apart. */
const DASHES: (number[] | undefined)[] = [undefined, [8, 4], [2, 3]];

/** Reads the chart's look from `host`'s computed style (the theme's custom properties). */
export function readLook(host: Element): ChartLook {
  const style = getComputedStyle(host);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    colors: Array.from({ length: PALETTE_SIZE }, (_, i) => read(`--ath-series-${i + 1}`, '#3b5bdb')),
    text: read('--ath-text', '#1b1f24'),
    muted: read('--ath-text-muted', '#5b6470'),
    grid: read('--ath-border', '#d9dde3'),
    font: read('--ath-font', 'system-ui, sans-serif'),
  };
}

/** Integer steps only on a step axis (uPlot would otherwise tick at 0.5 between two points). */
const STEP_INCRS = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

/**
 * Ticks of a log axis: powers of ten (every k-th when there are too many to label), with
 * 2× and 5× when the range spans only a few. uPlot's own stop at 1e-16 (its increments
 * table ends there) and never end below it: a loss of 1e-29 must not hang the page.
 */
export function logSplits(self: uPlot, _axisIdx: number, min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const room = Math.max(2, Math.floor((self.height * 0.8) / 26)); // a label every 26 px at most
  const every = Math.max(1, Math.ceil((hi - lo + 1) / room));
  const multiples = hi - lo <= 2 ? [1, 2, 5] : [1];
  const splits: number[] = [];
  for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) {
    for (const m of multiples) {
      const value = Number(`${m}e${e}`); // exact, where m * 10 ** e is not (10 ** -24)
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) splits.push(value);
    }
  }
  return splits;
}

/** The y axis's width: enough for its longest label (1e-29 is wider than 15). */
function yAxisSize(self: uPlot, values: string[] | null, axisIdx: number): number {
  const longest = Math.max(3, ...(values ?? []).map((v) => v.length));
  const axis = self.axes[axisIdx];
  return Math.ceil(longest * 7.2) + (axis?.gap ?? 5) + 12;
}

export interface ChartOptionsInput {
  width: number;
  height: number;
  axis: 'step' | 'time';
  log: boolean;
  labels: readonly string[];
  /** Series not drawn (a log scale cannot show values ≤ 0). */
  hidden: readonly boolean[];
  look: ChartLook;
}

/** The options of a chart of `labels.length` series. */
export function chartOptions({ width, height, axis, log, labels, hidden, look }: ChartOptionsInput): uPlot.Options {
  const font = `12px ${look.font}`;
  const axisBase = {
    stroke: look.muted,
    font,
    labelFont: `600 12px ${look.font}`,
    grid: { stroke: look.grid, width: 1 },
    ticks: { stroke: look.grid, width: 1, size: 4 },
  };
  return {
    width,
    height,
    ms: 1, // time x values are milliseconds since the epoch
    pxAlign: 0,
    series: [
      { label: axis, value: (_self, v) => (v == null ? '—' : formatX(v, axis)) },
      ...labels.map((label, i): uPlot.Series => ({
        label,
        stroke: look.colors[i % PALETTE_SIZE],
        dash: DASHES[Math.floor(i / PALETTE_SIZE) % DASHES.length],
        width: 1.75,
        spanGaps: true,
        show: !hidden[i],
        value: (_self, v) => (v == null ? '—' : formatNumber(v)),
        points: { size: 5 },
      })),
    ],
    scales: {
      x: { time: axis === 'time' },
      y: { distr: log ? 3 : 1, log: 10 },
    },
    axes: [
      {
        ...axisBase,
        ...(axis === 'step'
          ? { incrs: STEP_INCRS, values: (_self: uPlot, splits: number[]) => splits.map((v) => (v == null ? '' : formatX(v, 'step'))) }
          : { space: 70, values: (_self: uPlot, splits: number[]) => timeTicks(splits) }),
      },
      {
        ...axisBase,
        size: yAxisSize,
        ...(log ? { splits: logSplits, filter: (_self: uPlot, splits: number[]) => splits } : {}),
        values: (_self: uPlot, splits: (number | null)[]) => splits.map((v) => (v == null ? '' : formatNumber(v))),
      },
    ],
    // Filled markers: uPlot fills them with the series' area fill, which these lines have not.
    legend: { live: true, markers: { fill: (_self, i) => look.colors[(i - 1) % PALETTE_SIZE] ?? 'transparent' } },
    cursor: {
      // Series that do not share every x: the legend shows each one's nearest point.
      dataIdx: (self, seriesIdx, hoveredIdx) =>
        seriesIdx === 0 ? hoveredIdx : (nearestValueRow(self.data[0] as number[], self.data[seriesIdx] as (number | null)[], hoveredIdx) ?? hoveredIdx),
      points: { size: 7 },
      drag: { x: false, y: false },
    },
  };
}
