/**
 * `<athanor-series-chart api run-id key>`: one numeric result key of a run as a chart —
 * the series downsampled on the server (`GET /api/runs/:id/results/series`, extremes kept),
 * then, while the run runs, each new value of the key appended as it is recorded (drawn
 * once per animation frame). Past twice the points asked for, it reads the downsampled
 * series again, so a run of a million steps stays a chart of about `points` points.
 * Step or time on the x axis, linear or log on the y axis.
 *
 * Live points are numbered from the series' `total` as read; values recorded while that
 * read was under way are matched against its last point (ui/state/live-series.ts). The
 * read when the run ends (and each read past the limit) puts every point where the server
 * has it, whatever raced.
 */
import { LitElement, css, html } from 'lit';
import { ApiError, apiClient, type ApiClient } from '../client/api-client.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { afterSeq, isNumericEntry, type NumericEntry } from '../state/live-series.ts';
import { theme } from '../styles/theme.ts';
import type { AthanorChart, ChartAxis, ChartSeries } from './athanor-chart.ts';
import './athanor-chart.ts';
import { userText } from './user-text.ts';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Attributes: `api`, `run-id` (the run's full id: live events are routed by it), `key`,
 * `points` (at most this many from the server; default 1000), `x-axis` (`step` or `time`),
 * `log`, `height` (px, of the plot).
 */
export class AthanorSeriesChart extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    key: {},
    points: { type: Number },
    xAxis: { attribute: 'x-axis', reflect: true },
    log: { type: Boolean, reflect: true },
    height: { type: Number },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      [role='group'] {
        display: inline-flex;
        gap: var(--ath-space-1);
        align-items: center;
      }
      button {
        padding: 2px 10px;
        font-size: var(--ath-small);
      }
      button[aria-pressed='true'] {
        border-color: var(--ath-accent);
        color: var(--ath-accent);
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  declare key: string;
  declare points: number;
  declare xAxis: ChartAxis;
  declare log: boolean;
  declare height: number;

  #client: ApiClient = apiClient('');
  #series: ChartSeries[] | undefined;
  /** The x axis of the points in `#series` (the attribute may already ask for the other). */
  #seriesAxis: ChartAxis = 'step';
  #total = 0;
  #error = '';
  #token = 0;
  /** The step the next live value gets. */
  #nextStep = 0;
  /** The sequence number of the last value the chart holds: a live value at or before it is one it has. */
  #lastSeq = 0;
  /** The x of the last point the chart holds (by time, a point is never drawn before it). */
  #lastX = -Infinity;
  /** Points the chart holds. */
  #drawn = 0;
  /** Live values that arrive while the series is being read: added to what the read returns. */
  #held: NumericEntry[] | undefined;

  #live = new LiveEventsController(this, () => (this.runId && this.key ? { api: this.api, filter: { run: this.runId } } : undefined), {
    'run.result': (event) => {
      if (event.runId !== this.runId) return;
      const entries = event.entries.filter((e): e is NumericEntry => e.key === this.key && isNumericEntry(e));
      if (entries.length === 0) return;
      if (this.#held) this.#held.push(...entries);
      else this.#append(entries);
    },
    // The run ended: one last read, exact however the live values raced the first one.
    'run.status': (event) => void (event.runId === this.runId && ENDED.has(event.status) && this.#load()),
    reset: () => void this.#load(),
  });

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.key = '';
    this.points = 1000;
    this.xAxis = 'step';
    this.log = false;
    this.height = 240;
  }

  /** How many values the key has, as far as this element knows (the server's total, then live ones). */
  get total(): number {
    return this.#total;
  }

  /** The chart element, once rendered. */
  get chart(): AthanorChart | null {
    return this.renderRoot.querySelector('athanor-chart');
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api')) this.#client = apiClient(this.api);
    if (changed.has('api') || changed.has('runId') || changed.has('key')) {
      this.#series = undefined;
      this.#live.retarget();
    }
    if (['api', 'runId', 'key', 'points', 'xAxis'].some((name) => changed.has(name))) void this.#load();
  }

  #axis(): ChartAxis {
    return this.xAxis === 'time' ? 'time' : 'step';
  }

  /**
   * Live values the chart does not hold (after `#lastSeq`: the stream may send a value the
   * read has, or send one twice) as points, in order. By time, a value recorded before the
   * last point drawn is left out, so the line never turns back.
   */
  #fresh(entries: readonly NumericEntry[]): [number, number][] {
    const step = this.#axis() === 'step';
    const { fresh, lastSeq } = afterSeq(this.#lastSeq, entries);
    this.#lastSeq = lastSeq;
    const points: [number, number][] = [];
    for (const entry of fresh) {
      const x = step ? this.#nextStep : Date.parse(entry.recordedAt);
      this.#nextStep++;
      if (x < this.#lastX) continue;
      points.push([x, entry.value]);
      this.#lastX = x;
    }
    return points;
  }

  async #load(): Promise<void> {
    const token = ++this.#token;
    if (!this.runId || !this.key) return;
    this.#held = [];
    try {
      const limit = Math.max(2, Math.floor(this.points) || 1000);
      const series = await this.#client.series(this.runId, this.key, { points: limit, x: this.#axis() });
      if (token !== this.#token) return;
      this.#error = '';
      this.#nextStep = series.total;
      this.#lastSeq = series.lastSeq;
      this.#lastX = series.points[series.points.length - 1]?.[0] ?? -Infinity;
      const points = [...series.points, ...this.#fresh(this.#held.splice(0))];
      this.#total = this.#nextStep;
      this.#drawn = points.length;
      this.#series = [{ label: this.key, points }];
      this.#seriesAxis = this.#axis();
      this.requestUpdate();
      // Until the chart has the new series, an append would go to the old one: keep holding.
      await this.updateComplete;
      await this.chart?.updateComplete;
      if (token !== this.#token) return;
    } catch (error) {
      if (token !== this.#token) return;
      // A 404 names what is missing (the run, or the key) itself.
      this.#error = error instanceof ApiError && error.status === 404 ? error.message : `Could not load the series ${this.key}: ${(error as Error).message}`;
      this.requestUpdate();
    }
    const late = this.#held?.splice(0) ?? [];
    this.#held = undefined;
    if (late.length) this.#append(late);
  }

  #append(entries: NumericEntry[]): void {
    const chart = this.chart;
    if (!chart || !this.#series) return;
    const points = this.#fresh(entries);
    if (points.length) chart.appendPoints(0, points);
    this.#drawn += points.length;
    this.#total = this.#nextStep;
    if (this.#drawn > 2 * this.points) void this.#load();
  }

  override render() {
    if (this.#error) return html`<p class="error-text" role="alert">${userText(this.#error)}</p>`;
    if (!this.#series) return html`<p class="muted">Loading ${userText(this.key)}…</p>`;
    const axis = this.#axis();
    const pick = (value: ChartAxis) => {
      if (this.xAxis !== value) this.xAxis = value;
    };
    return html`<athanor-chart
      .series=${this.#series}
      x-axis=${this.#seriesAxis}
      ?log=${this.log}
      label=${this.key}
      height=${this.height}
      @log-change=${(event: CustomEvent<{ log: boolean }>) => (this.log = event.detail.log)}
    >
      <span slot="controls" role="group" aria-label="X axis of ${this.key}">
        <button type="button" aria-pressed=${axis === 'step' ? 'true' : 'false'} @click=${() => pick('step')}>Step</button>
        <button type="button" aria-pressed=${axis === 'time' ? 'true' : 'false'} @click=${() => pick('time')}>Time</button>
      </span>
    </athanor-chart>`;
  }
}

if (!customElements.get('athanor-series-chart')) customElements.define('athanor-series-chart', AthanorSeriesChart);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-series-chart': AthanorSeriesChart;
  }
}
