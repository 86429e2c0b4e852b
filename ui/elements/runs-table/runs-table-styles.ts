/** The runs table's look: a toolbar, then one grid (a sticky header, rows virtualized) that scrolls in its box. */
import { css } from 'lit';

export const runsTableStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-3);
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
    overflow-wrap: anywhere;
  }
  .crumbs {
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
    margin: 0 0 2px;
  }
  .total {
    color: var(--ath-text-muted);
  }
  .selection {
    font-size: var(--ath-small);
  }
  .scroll {
    position: relative;
    overflow: auto;
    max-height: max(320px, calc(100vh - 260px));
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    background: var(--ath-bg);
  }
  .grid {
    width: 100%;
  }
  .tr {
    display: grid;
    grid-template-columns: var(--cols);
    align-items: center;
    width: 100%;
    min-height: 36px;
    border-bottom: 1px solid var(--ath-border);
  }
  .head {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--ath-bg-subtle);
    align-items: stretch;
  }
  .td,
  .th {
    padding: 4px 8px;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .th {
    display: flex;
    align-items: flex-end;
    padding: 2px 4px;
  }
  .num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .th.num {
    justify-content: flex-end;
  }
  .sort {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0;
    max-width: 100%;
    border: none;
    background: none;
    padding: 2px 4px;
    font-size: var(--ath-small);
    font-weight: 600;
    color: var(--ath-text-muted);
    text-align: left;
  }
  .num .sort {
    align-items: flex-end;
    text-align: right;
  }
  .sort .kind {
    /* Its own lines when it is wider than the column ("metric · filtered"): a right-aligned
       caption that overflows would lose its first letters under the cell's edge. */
    max-width: 100%;
    white-space: normal;
    font-weight: normal;
    font-size: 10px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .sort .filtered {
    white-space: nowrap;
  }
  .sort .label {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .sort[aria-pressed='true'] {
    color: var(--ath-text);
  }
  .sort .arrow {
    color: var(--ath-accent);
  }
  .tr.run:hover {
    background: var(--ath-bg-subtle);
  }
  .tr.run.selected {
    background: color-mix(in srgb, var(--ath-accent) 8%, var(--ath-bg));
  }
  /* The select boxes stay in view as the table scrolls sideways: runs are picked to compare by
     their metrics, which sit to the right. */
  .check {
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 0;
    position: sticky;
    left: 0;
    z-index: 1;
    align-self: stretch;
    background: var(--ath-bg);
  }
  .head .check {
    background: var(--ath-bg-subtle);
  }
  .tr.run:hover .check {
    background: var(--ath-bg-subtle);
  }
  .tr.run.selected .check {
    background: color-mix(in srgb, var(--ath-accent) 8%, var(--ath-bg));
  }
  .check input {
    margin: 0;
    width: 16px;
    height: 16px;
  }
  .mono {
    font-family: var(--ath-mono);
  }
  lit-virtualizer {
    width: 100%;
  }
  .sideways {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: var(--ath-space-2);
    font-size: var(--ath-small);
    margin-bottom: calc(-1 * var(--ath-space-2));
  }
  .sideways button {
    padding: 2px 8px;
    font-size: var(--ath-small);
  }
  .more {
    display: flex;
    align-items: center;
    gap: var(--ath-space-2);
    font-size: var(--ath-small);
  }
  .empty {
    padding: var(--ath-space-4);
  }
  @media (max-width: 600px) {
    .scroll {
      max-height: calc(100vh - 200px);
    }
  }
`;
