/** The look of `<athanor-instance-view>`. */
import { css } from 'lit';

export const instanceViewStyles = css`
  :host {
    display: block;
  }
  .crumbs {
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
    margin-bottom: var(--ath-space-2);
  }
  header h1 {
    margin: 0;
  }
  header {
    margin-bottom: var(--ath-space-2);
  }
  kbd {
    font-family: var(--ath-mono);
    font-size: 11px;
    border: 1px solid currentColor;
    border-radius: 3px;
    padding: 0 4px;
    opacity: 0.8;
  }
  .description {
    margin: 0 0 var(--ath-space-3);
    color: var(--ath-text-muted);
  }
  .notice:empty {
    display: none;
  }
  .notice {
    margin-bottom: var(--ath-space-3);
    font-size: var(--ath-small);
  }
  .code-changed {
    border: 1px solid var(--ath-cancelled);
    border-left-width: 4px;
    border-radius: var(--ath-radius);
    padding: var(--ath-space-2) var(--ath-space-3);
    margin: 0 0 var(--ath-space-3);
  }
  .code-changed::before {
    content: '⚠ ';
    color: var(--ath-cancelled);
  }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(320px, 1fr));
    gap: var(--ath-space-3);
    margin-bottom: var(--ath-space-4);
  }
  dl.details,
  dl.config {
    display: grid;
    /* A key as wide as it needs, down to its longest word (userName), and the value at least
       4em: a group's long keys made the page scroll sideways on a phone, its values one
       character a line. */
    grid-template-columns: minmax(min-content, max-content) minmax(4em, 1fr);
    gap: 2px var(--ath-space-3);
    margin: 0;
  }
  dt {
    color: var(--ath-text-muted);
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
    padding-top: 2px;
  }
  dl.details dt {
    font-family: inherit;
    font-size: inherit;
    padding-top: 0;
  }
  dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  dd > dl.config,
  li > dl.config {
    border-left: 2px solid var(--ath-border);
    padding-left: var(--ath-space-2);
  }
  ol.config-list {
    margin: 0;
    padding-left: 22px;
  }
  /* Keys and values of the configuration in one face and size, whatever their type. */
  dl.config dd {
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
    padding-top: 2px;
  }
  .string {
    white-space: pre-wrap;
  }
  .runs-section h2 .muted {
    font-weight: 400;
  }
  table.runs td {
    white-space: nowrap;
  }
  .runs-section {
    container-type: inline-size;
  }
  /* On a phone a run is a card (id and status, then each time and version under its name):
     as a table of eight columns its start time was cut at the screen's edge. */
  @container (max-width: 520px) {
    table.runs thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    table.runs tr {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 2px var(--ath-space-2);
      padding: var(--ath-space-2) 0;
      border-bottom: 1px solid var(--ath-border);
    }
    table.runs td {
      display: block;
      padding: 0;
      border: 0;
      grid-column: 1 / -1;
    }
    table.runs td.run-id {
      grid-column: 1;
    }
    table.runs td.status {
      grid-column: 2;
      white-space: normal;
    }
    table.runs td[data-label]::before {
      content: attr(data-label);
      display: inline-block;
      min-width: 6.5em;
      color: var(--ath-text-muted);
      font-size: var(--ath-small);
    }
  }
  table.runs td.links a + a {
    margin-left: var(--ath-space-2);
  }
  .progress {
    font-size: var(--ath-small);
    margin-left: var(--ath-space-1);
  }
  .run-error {
    font-size: var(--ath-small);
    white-space: normal;
    max-width: 360px;
  }
  .stale {
    font-size: var(--ath-small);
    color: var(--ath-cancelled);
    margin-left: var(--ath-space-1);
  }
  .stale::before {
    content: '↻ ';
  }
  button.more {
    margin-top: var(--ath-space-3);
  }
  athanor-instance-history {
    margin-top: var(--ath-space-6);
  }
  dialog {
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    background: var(--ath-bg-raised);
    color: var(--ath-text);
    min-width: 380px;
    max-width: min(720px, 92vw);
    padding: var(--ath-space-4);
  }
  dialog.wide {
    width: 720px;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.35);
  }
  dialog form {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
  }
  dialog p {
    margin: 0 0 var(--ath-space-2);
  }
  .dialog-actions {
    justify-content: flex-end;
    margin-top: var(--ath-space-3);
  }
  .problem {
    max-width: 560px;
  }
`;
