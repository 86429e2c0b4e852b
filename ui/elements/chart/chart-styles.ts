/**
 * uPlot's own style sheet (its layout: the canvas, cursor and legend positions), adopted
 * into the chart's shadow root — a document style sheet would not reach inside it — and
 * the workbench's look over it: theme colours and fonts, light and dark. Adopted style
 * sheets are not inline styles, so the page's CSP allows them.
 */
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export const uplotStyles = unsafeCSS(uplotCss);

export const chartStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  .toolbar {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: var(--ath-space-2);
    margin-bottom: var(--ath-space-1);
  }
  .toolbar button {
    padding: 2px 10px;
    font-size: var(--ath-small);
  }
  button[aria-pressed='true'] {
    border-color: var(--ath-accent);
    color: var(--ath-accent);
  }
  .note {
    color: var(--ath-text-muted);
    font-size: var(--ath-small);
  }
  .plot {
    position: relative;
    min-height: var(--chart-height, 240px);
  }
  .empty {
    display: grid;
    place-items: center;
    min-height: var(--chart-height, 240px);
    color: var(--ath-text-muted);
    border: 1px dashed var(--ath-border);
    border-radius: var(--ath-radius);
  }
  .uplot {
    font-family: var(--ath-font);
    width: 100%;
  }
  .u-legend {
    font-size: var(--ath-small);
    color: var(--ath-text);
    text-align: left;
    margin: var(--ath-space-1) 0 0;
  }
  .u-legend th,
  .u-legend td {
    border: none;
    padding: 2px 4px;
    color: var(--ath-text);
    font-size: var(--ath-small);
  }
  .u-legend .u-value {
    font-family: var(--ath-mono);
    font-variant-numeric: tabular-nums;
  }
  .u-select {
    background: color-mix(in srgb, var(--ath-accent) 12%, transparent);
  }
  .u-hz .u-cursor-x,
  .u-hz .u-cursor-y {
    border-color: var(--ath-text-muted);
  }
`;
