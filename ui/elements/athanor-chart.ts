/**
 * `<athanor-chart .series=${[{label: 'loss', points: [[0, 15], [1, 3.2]]}]} x-axis="step" log>`:
 * a line chart (uPlot) of one or more series overlaid, each in its own theme colour, with
 * a legend that shows every series' value under the cursor, a log-scale toggle, and the
 * width of its container. `append(i, points)` adds live points without re-creating the
 * plot (drawn once per animation frame, however often it is called).
 *
 * A log scale cannot show values ≤ 0: such a series is left off it, and the chart says so
 * (when no series can be shown, it stays linear). For screen readers the plot has a
 * summary as its name and a visually hidden table of each series' extent.
 */
import { LitElement, html, nothing } from 'lit';
import uPlot from 'uplot';
import { addToStats, alignSeries, appendAligned, describeSeries, formatNumber, formatX, loggable, seriesStats, sortedPoints } from '../state/chart-data.ts';
import type { AlignedTable, ChartSeries, SeriesStats } from '../state/chart-data.ts';
import { theme } from '../styles/theme.ts';
import { chartOptions, readLook } from './chart/chart-options.ts';
import { chartStyles, uplotStyles } from './chart/chart-styles.ts';

export type { ChartSeries };
export type ChartAxis = 'step' | 'time';

/**
 * Properties: `series` ({label, points: [x, y][]}[]). Attributes: `x-axis` (`step`, the
 * default, or `time`: x in ms since the epoch), `log` (logarithmic y axis), `label` (what
 * the chart shows, its accessible name), `height` (of the plot and axes, px; default 240).
 * Fires `log-change` ({detail: {log}}) when its toggle is used.
 */
export class AthanorChart extends LitElement {
  static override properties = {
    series: { attribute: false },
    xAxis: { attribute: 'x-axis' },
    log: { type: Boolean, reflect: true },
    label: {},
    height: { type: Number },
  };
  static override styles = [theme, uplotStyles, chartStyles];

  declare series: ChartSeries[];
  declare xAxis: ChartAxis;
  declare log: boolean;
  declare label: string;
  declare height: number;

  #plot: uPlot | undefined;
  /** What the plot was built for: a change re-creates it (data alone does not). */
  #plotKey = '';
  #points: [number, number][][] = [];
  #stats: (SeriesStats | undefined)[] = [];
  #table: AlignedTable = { x: [], ys: [] };
  #queued = new Map<number, [number, number][]>();
  #frame = 0;
  #width = 0;
  #resize: ResizeObserver | undefined;
  #scheme: MediaQueryList | undefined;
  readonly #onScheme = () => ((this.#plotKey = ''), this.#draw());

  constructor() {
    super();
    this.series = [];
    this.xAxis = 'step';
    this.log = false;
    this.label = 'chart';
    this.height = 240;
  }

  /** Points drawn, all series together (a live view reloads a downsampled series past a limit). */
  get pointCount(): number {
    return this.#stats.reduce((sum, s) => sum + (s?.count ?? 0), 0);
  }

  /** The uPlot instance, once drawn (for tests and for pages that extend the chart). */
  get plot(): uPlot | undefined {
    return this.#plot;
  }

  /**
   * Adds points to series `seriesIndex` (points after its last x are the cheap case: a
   * live run's). Drawn at the next animation frame, with every other append until then.
   */
  appendPoints(seriesIndex: number, points: readonly (readonly [number, number])[]): void {
    if (!Number.isInteger(seriesIndex) || seriesIndex < 0 || seriesIndex >= this.#points.length) {
      throw new RangeError(`append: series ${seriesIndex} does not exist (the chart has ${this.#points.length})`);
    }
    const queue = this.#queued.get(seriesIndex) ?? [];
    for (const p of points) queue.push([p[0], p[1]]);
    this.#queued.set(seriesIndex, queue);
    this.#frame ||= requestAnimationFrame(() => this.#flush());
  }

  /**
   * `append(seriesIndex, points)` is `appendPoints`; given nodes, it is the DOM's
   * `append` (an element keeps its DOM methods).
   */
  override append(...nodes: (string | Node)[]): void;
  override append(seriesIndex: number, points: readonly (readonly [number, number])[]): void;
  override append(...args: unknown[]): void {
    if (typeof args[0] === 'number') return this.appendPoints(args[0], args[1] as readonly (readonly [number, number])[]);
    super.append(...(args as (string | Node)[]));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width === this.#width) return;
      this.#width = width;
      if (this.#plot && width > 0) this.#plot.setSize({ width, height: this.height });
      else this.#draw();
    });
    this.#resize.observe(this);
    this.#scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#scheme.addEventListener('change', this.#onScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#scheme?.removeEventListener('change', this.#onScheme);
    cancelAnimationFrame(this.#frame);
    this.#frame = this.#width = 0;
    this.#flush(false);
    this.#plot?.destroy();
    this.#plot = undefined;
    this.#plotKey = '';
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('series')) {
      this.#queued.clear();
      this.#points = (this.series ?? []).map((s) => sortedPoints(s.points));
      this.#stats = this.#points.map((points) => seriesStats(points));
      this.#table = alignSeries(this.#points);
    }
  }

  protected override updated(): void {
    this.#draw();
  }

  /** Applies the queued appends; they are drawn by the update it asks for, unless `draw` is false. */
  #flush(draw = true): void {
    this.#frame = 0;
    let realign = false;
    for (const [index, queued] of this.#queued) {
      const points = sortedPoints(queued);
      const series = this.#points[index];
      if (!series || points.length === 0) continue;
      const inOrder = series.length === 0 || points[0]![0] >= series[series.length - 1]![0];
      if (inOrder) series.push(...points);
      else this.#points[index] = sortedPoints([...series, ...points]);
      this.#stats[index] = inOrder && this.#stats[index] ? addToStats(this.#stats[index], points) : seriesStats(this.#points[index]!);
      if (!realign && (!inOrder || !appendAligned(this.#table, index, points))) realign = true;
    }
    this.#queued.clear();
    if (realign) this.#table = alignSeries(this.#points);
    if (draw) this.requestUpdate(); // updated() draws, and the summary follows
  }

  /** Which series a log scale leaves off, and whether the scale is logarithmic at all. */
  #scale(): { log: boolean; hidden: boolean[] } {
    const blocked = this.#stats.map((s) => !loggable(s));
    if (!this.log || blocked.every(Boolean)) return { log: false, hidden: blocked.map(() => false) };
    return { log: true, hidden: blocked };
  }

  /** Creates the plot, or gives it the current data when nothing else changed. */
  #draw(): void {
    const container = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (!container || !this.isConnected || this.#width <= 0) return;
    const { log, hidden } = this.#scale();
    const axis = this.#axis();
    const labels = (this.series ?? []).map((s) => s.label);
    const key = JSON.stringify([labels, axis, log, hidden, this.height]);
    const data = [this.#table.x, ...this.#table.ys] as uPlot.AlignedData;
    if (this.#plot && key === this.#plotKey) return this.#plot.setData(data);
    this.#plot?.destroy();
    this.#plotKey = key;
    const options = chartOptions({ width: this.#width, height: this.height, axis, log, labels, hidden, look: readLook(this) });
    this.#plot = new uPlot(options, data, container);
  }

  #axis(): ChartAxis {
    return this.xAxis === 'time' ? 'time' : 'step';
  }

  #toggleLog(): void {
    this.log = !this.log;
    this.dispatchEvent(new CustomEvent('log-change', { detail: { log: this.log }, bubbles: true, composed: true }));
  }

  /** Why the log scale leaves series off (or cannot be used), if it does. */
  #logNote(): string {
    if (!this.log) return '';
    const labels = (this.series ?? []).map((s) => s.label);
    const blocked = this.#stats.flatMap((s, i) => (loggable(s) ? [] : [`${labels[i]} (lowest ${formatNumber(s!.minY)})`]));
    if (blocked.length === 0) return '';
    if (blocked.length === this.#stats.length) return `Log scale is not possible: values ≤ 0 in ${blocked.join(', ')}. Shown on a linear scale.`;
    return `Log scale is not possible for ${blocked.join(', ')}: values ≤ 0. Not drawn.`;
  }

  override render() {
    const axis = this.#axis();
    const labels = (this.series ?? []).map((s) => s.label);
    const { log } = this.#scale();
    const summary = `${this.label}: line chart by ${axis}, ${log ? 'logarithmic' : 'linear'} scale. ${labels.map((l, i) => describeSeries(l, this.#stats[i], axis)).join('. ')}`;
    const empty = this.pointCount === 0;
    const note = this.#logNote();
    return html`<div class="toolbar">
        <slot name="controls"></slot>
        <button type="button" aria-pressed=${this.log ? 'true' : 'false'} @click=${() => this.#toggleLog()}>Log scale</button>
        <span class="note" role="status">${note}</span>
      </div>
      ${empty ? html`<p class="empty">No points yet.</p>` : nothing}
      <div class="plot" role="img" aria-label=${summary} ?hidden=${empty}></div>
      <!-- Hidden by a box around it: a table keeps its content's width, however narrow it is told to be, and would widen a phone's page. -->
      <div class="visually-hidden sr-table"><table>
        <caption>${this.label}</caption>
        <thead><tr><th scope="col">Series</th><th scope="col">Points</th><th scope="col">${axis === 'step' ? 'Steps' : 'Times'}</th><th scope="col">First</th><th scope="col">Last</th><th scope="col">Min</th><th scope="col">Max</th></tr></thead>
        <tbody>
          ${labels.map((label, i) => {
            const s = this.#stats[i];
            return html`<tr><th scope="row">${label}</th><td>${s?.count ?? 0}</td>
              <td>${s ? `${formatX(s.minX, axis)} – ${formatX(s.maxX, axis)}` : '—'}</td>
              <td>${s ? formatNumber(s.firstY) : '—'}</td><td>${s ? formatNumber(s.lastY) : '—'}</td>
              <td>${s ? formatNumber(s.minY) : '—'}</td><td>${s ? formatNumber(s.maxY) : '—'}</td></tr>`;
          })}
        </tbody>
      </table></div>`;
  }
}

if (!customElements.get('athanor-chart')) customElements.define('athanor-chart', AthanorChart);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-chart': AthanorChart;
  }
}
