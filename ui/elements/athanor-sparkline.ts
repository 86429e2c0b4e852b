/**
 * `<athanor-sparkline .values=${[1, 3, 2]} label="loss">`: a small SVG line of a numeric
 * series (a result key's values over time), with its last point marked. The accessible
 * name says what the line shows: points, minimum, maximum and last value.
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import { theme } from '../styles/theme.ts';
import { showDirectionControls } from './user-text.ts';

/** Points drawn at most: longer series are thinned evenly (first and last kept). */
const MAX_POINTS = 300;

/** Whether a series can be charted: two or more finite numbers, nothing else. */
export function isNumericSeries(values: readonly unknown[]): values is number[] {
  return values.length >= 2 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The polyline's points for `values` in a width × height box (y grows down). */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 2): string {
  const step = values.length > MAX_POINTS ? (values.length - 1) / (MAX_POINTS - 1) : 1;
  const picked = step === 1 ? values : Array.from({ length: MAX_POINTS }, (_, i) => values[Math.round(i * step)]!);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const dx = picked.length > 1 ? (width - 2 * pad) / (picked.length - 1) : 0;
  return picked
    .map((v, i) => `${(pad + i * dx).toFixed(1)},${(height - pad - ((v - min) / span) * (height - 2 * pad)).toFixed(1)}`)
    .join(' ');
}

const fmt = (n: number) => (Math.abs(n) >= 1e4 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(2) : String(+n.toFixed(4)));

/** Properties: `values` (numbers). Attributes: `label` (what they are), `width`, `height`. */
export class AthanorSparkline extends LitElement {
  static override properties = {
    values: { attribute: false },
    label: {},
    width: { type: Number },
    height: { type: Number },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: inline-block;
        vertical-align: middle;
        color: var(--ath-accent);
      }
      svg {
        display: block;
        overflow: visible;
      }
    `,
  ];

  declare values: number[];
  declare label: string;
  declare width: number;
  declare height: number;

  constructor() {
    super();
    this.values = [];
    this.label = 'series';
    this.width = 120;
    this.height = 28;
  }

  override render() {
    if (!isNumericSeries(this.values)) return nothing;
    const { values, width, height } = this;
    const points = sparklinePoints(values, width, height);
    const last = points.slice(points.lastIndexOf(' ') + 1).split(',');
    const [min, max] = values.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
    const name = `${showDirectionControls(this.label)}: ${values.length} points, min ${fmt(min)}, max ${fmt(max)}, last ${fmt(values[values.length - 1]!)}`;
    return html`<svg role="img" aria-label=${name} width=${width} height=${height} viewBox="0 0 ${width} ${height}">
      <title>${name}</title>
      ${svg`<polyline points=${points} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />`}
      ${svg`<circle cx=${last[0]!} cy=${last[1]!} r="2.5" fill="currentColor" />`}
    </svg>`;
  }
}

if (!customElements.get('athanor-sparkline')) customElements.define('athanor-sparkline', AthanorSparkline);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-sparkline': AthanorSparkline;
  }
}
