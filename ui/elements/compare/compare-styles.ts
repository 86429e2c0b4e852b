/** The compare view's look: sections one under another; tables and logs scroll sideways in their box. */
import { css } from 'lit';

export const compareStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-4);
    min-width: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ath-space-2) var(--ath-space-3);
  }
  .toolbar h1 {
    margin: 0;
  }
  nav.sections {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ath-space-1) var(--ath-space-3);
    font-size: var(--ath-small);
  }
  section {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
    min-width: 0;
    scroll-margin-top: 56px;
  }
  section h2 {
    margin: 0;
    padding-bottom: var(--ath-space-1);
    border-bottom: 1px solid var(--ath-border);
  }
  .summary {
    margin: 0;
    color: var(--ath-text-muted);
  }
  /* Positioned, so what is visually hidden inside (absolutely placed) scrolls with it, not past the page. */
  .table-scroll,
  .logs {
    position: relative;
  }
  table.compare {
    width: auto;
    min-width: 100%;
  }
  table.compare th[scope='col'] {
    min-width: 150px;
    vertical-align: bottom;
  }
  /* The field's name stays in view while the runs scroll sideways. */
  table.compare th[scope='row'] {
    position: sticky;
    left: 0;
    z-index: 1;
    background: var(--ath-bg);
    font-weight: 600;
    color: var(--ath-text);
    font-size: var(--ath-size);
    white-space: nowrap;
  }
  /* Chromium breaks at a name's <wbr> (after its _ and .) even in nowrap: none on a wide screen. */
  table.compare th[scope='row'] wbr {
    display: none;
  }
  /* Over the sticky field names, the header's first cell stays with them. */
  table.compare th.corner {
    position: sticky;
    left: 0;
    z-index: 2;
    background: var(--ath-bg);
  }
  /* A long value opens in its cell: all of it, wrapped, scrolling when it is very long. */
  .long-value summary {
    cursor: pointer;
  }
  .long-value pre {
    margin: var(--ath-space-1) 0 0;
    max-width: 60ch;
    max-height: 24em;
    overflow: auto;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-size: 12px;
  }
  .run-head {
    display: flex;
    align-items: flex-start;
    gap: var(--ath-space-2);
  }
  .run-names {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .run-names .instance {
    font-size: var(--ath-size);
    color: var(--ath-text);
  }
  /* Shrink-to-fit: a part that fits its line stays whole; only a wider one breaks inside. */
  .name-part {
    display: inline-block;
    max-width: 100%;
    /* A link's underline does not reach into inline blocks: only the separators were underlined. */
    text-decoration: inherit;
  }
  /* Why it failed, on one line (the whole in its title): beside the runs, the status alone said nothing. */
  .run-error {
    display: block;
    max-width: 32ch;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: var(--ath-small);
    font-weight: normal;
    color: var(--ath-failed);
  }
  .run-line {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ath-space-1);
  }
  .swatch {
    flex: none;
    display: inline-block;
    width: 12px;
    height: 12px;
    margin-top: 4px;
    border-radius: 3px;
  }
  .baseline-tag,
  .changed-tag {
    font-size: 11px;
    font-weight: 600;
    padding: 0 6px;
    border-radius: 999px;
    border: 1px solid var(--ath-border);
    color: var(--ath-text-muted);
  }
  .changed-tag {
    border-color: var(--ath-cancelled);
    color: var(--ath-cancelled);
  }
  tr.changed th[scope='row'] {
    box-shadow: inset 3px 0 0 var(--ath-cancelled);
  }
  td.differs {
    background: color-mix(in srgb, var(--ath-cancelled) 16%, transparent);
    font-weight: 600;
  }
  tr.unchanged {
    color: var(--ath-text-muted);
  }
  .fold {
    align-self: flex-start;
    font-size: var(--ath-small);
    padding: 2px 10px;
  }
  .goal {
    display: block;
    font-size: 11px;
    font-weight: normal;
    color: var(--ath-text-muted);
  }
  td.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  /* A delta may break before its share, and anywhere past that: the cell keeps its width. */
  td .delta {
    display: block;
    font-size: var(--ath-small);
    white-space: normal;
    overflow-wrap: anywhere;
  }
  /* Mixed towards the text colour: small print on a tinted cell keeps its contrast, light and dark. */
  .delta.better {
    color: color-mix(in srgb, var(--ath-completed) 70%, var(--ath-text));
  }
  .delta.worse {
    color: color-mix(in srgb, var(--ath-failed) 70%, var(--ath-text));
  }
  td.best {
    background: color-mix(in srgb, var(--ath-completed) 10%, transparent);
  }
  td.best .value {
    font-weight: 700;
  }
  .best-mark {
    color: color-mix(in srgb, var(--ath-completed) 70%, var(--ath-text));
    margin-left: 4px;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr));
    gap: var(--ath-space-3);
  }
  figure.chart {
    position: relative;
    overflow: hidden;
    margin: 0;
    padding: var(--ath-space-2) var(--ath-space-3);
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    background: var(--ath-bg-raised);
    min-width: 0;
  }
  figcaption {
    font-weight: 600;
    margin-bottom: var(--ath-space-1);
  }
  ul.legend {
    list-style: none;
    margin: var(--ath-space-1) 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 2px var(--ath-space-3);
    font-size: var(--ath-small);
  }
  ul.legend li {
    display: inline-flex;
    align-items: center;
    gap: var(--ath-space-1);
  }
  ul.legend .swatch {
    margin-top: 0;
  }
  .levels {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ath-space-1);
    font-size: var(--ath-small);
  }
  .levels button {
    padding: 2px 8px;
    font-size: var(--ath-small);
  }
  .levels button[aria-pressed='true'] {
    border-color: currentColor;
    font-weight: 600;
  }
  .levels .debug {
    color: var(--ath-debug);
  }
  .levels .info {
    color: var(--ath-info);
  }
  .levels .warn {
    color: var(--ath-warn);
  }
  .levels .error {
    color: var(--ath-error);
  }
  /* Four runs fit beside each other at 1280 px (the rows compact under 560 px); past that they scroll. */
  .logs {
    display: grid;
    grid-auto-flow: column;
    grid-auto-columns: minmax(280px, 1fr);
    gap: var(--ath-space-3);
    overflow-x: auto;
    padding-bottom: var(--ath-space-1);
  }
  .log-column {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-1);
    min-width: 0;
    --athanor-log-height: 320px;
  }
  /* Wide enough for a sweep's run name and its id at the end ("pe · model=small · latency_ms=10 · 081b2f2c"). */
  select.baseline {
    max-width: min(480px, 70vw);
  }
  .baseline-choice {
    display: inline-flex;
    align-items: center;
    gap: var(--ath-space-2);
  }
  /* A phone: the field names wrap so more of the runs' columns show beside them. */
  @media (max-width: 600px) {
    .logs {
      grid-auto-columns: minmax(280px, 88vw);
    }
    table.compare th[scope='row'] {
      white-space: normal;
      max-width: 38vw;
      overflow-wrap: anywhere;
    }
    table.compare th[scope='row'] wbr {
      display: inline;
    }
    table.compare th[scope='col'] {
      min-width: 120px;
    }
  }
`;
