/** The dashboard's look: a toolbar, then the instances as a table of CSS grid rows (so the virtualizer can place them). */
import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    /* The actions column is as wide as its three buttons, the same in the header, which has none. */
    --actions: 16.5em;
    --columns: minmax(0, 2fr) minmax(0, 1.1fr) minmax(0, 2.4fr) minmax(0, 1.6fr) var(--actions);
  }
  .toolbar {
    margin-bottom: var(--ath-space-3);
    flex-wrap: wrap;
  }
  .toolbar h1 {
    margin: 0;
  }
  .search {
    flex: 1 1 14rem;
    max-width: 22rem;
    display: flex;
  }
  .search input {
    flex: 1;
    min-width: 0;
  }
  kbd {
    font-family: var(--ath-mono);
    font-size: 11px;
    border: 1px solid currentColor;
    border-radius: 3px;
    padding: 0 4px;
    opacity: 0.8;
  }
  .summary {
    font-size: var(--ath-small);
    margin: 0 0 var(--ath-space-2);
  }
  .notice {
    margin-bottom: var(--ath-space-3);
  }
  .notice:empty {
    display: none;
  }
  .table {
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    background: var(--ath-bg-raised);
  }
  .grid-row {
    display: grid;
    grid-template-columns: var(--columns);
    gap: var(--ath-space-3);
    align-items: center;
    width: 100%;
    padding: var(--ath-space-2) var(--ath-space-3);
    border-bottom: 1px solid var(--ath-border);
  }
  /* The column names stay in view as the list scrolls (under the app's header, when in the app). */
  .head-group {
    position: sticky;
    top: var(--ath-sticky-top, 0);
    z-index: 1;
  }
  .control {
    display: inline-flex;
    align-items: center;
    gap: var(--ath-space-2);
  }
  /* The small type is the cells', not the row's: the actions column is in em of the row's font,
     so a header row in small type had narrower actions and every column name off its cells. */
  .head .cell {
    font-size: var(--ath-small);
  }
  .head {
    font-weight: 600;
    color: var(--ath-text-muted);
    background: var(--ath-bg-subtle);
    border-radius: var(--ath-radius) var(--ath-radius) 0 0;
  }
  .rows > .grid-row:hover {
    background: var(--ath-bg-subtle);
  }
  .cell {
    min-width: 0;
  }
  .name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .description {
    font-size: var(--ath-small);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .experiment code {
    overflow-wrap: anywhere;
  }
  .actions {
    white-space: nowrap;
    text-align: right;
  }
  .actions > * {
    margin-left: var(--ath-space-1);
  }
  .actions .button,
  .actions button {
    padding: 2px 10px;
  }
  .more {
    padding: var(--ath-space-2) var(--ath-space-3);
    font-size: var(--ath-small);
  }
  .empty {
    max-width: 640px;
  }
  .empty ol {
    padding-left: 20px;
  }
  /* Narrower: the experiment goes under the name, so the latest run keeps its room. */
  @media (max-width: 1000px) {
    :host {
      --columns: minmax(0, 2fr) minmax(0, 2.4fr) minmax(0, 1.6fr) var(--actions);
    }
    .head .experiment {
      display: none;
    }
    .rows .experiment {
      grid-column: 1;
      grid-row: 2;
      font-size: var(--ath-small);
    }
    .rows .instance {
      grid-row: 1;
    }
  }
  /* A phone: each instance is a block (name, experiment, latest run, runs, then its
     buttons), so Start run is on screen, not at the end of a row scrolled sideways. */
  @media (max-width: 600px) {
    .grid-row {
      grid-template-columns: minmax(0, 1fr);
      gap: var(--ath-space-1);
    }
    .rows .experiment,
    .rows .instance {
      grid-row: auto;
    }
    .head {
      display: none;
    }
    .actions {
      text-align: left;
      white-space: normal;
      padding-top: var(--ath-space-1);
    }
    .actions > :first-child {
      margin-left: 0;
    }
  }
`;
