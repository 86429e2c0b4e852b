/** The look of `<athanor-run-record>` and its code views. */
import { css } from 'lit';

/** Marks for what differs (changed / added / removed / dirty), shared with the runs table's badges. */
export const markStyles = css`
  .mark,
  .tag {
    --mark: var(--ath-text-muted);
    display: inline-block;
    font-size: var(--ath-small);
    line-height: 1.4;
    padding: 0 6px;
    /* The kind's colour on the border and ground; the text stays in the text colour, legible on any tint. */
    border: 1px solid var(--mark);
    background: color-mix(in srgb, var(--mark) 12%, transparent);
    color: var(--ath-text);
    border-radius: 999px;
    white-space: nowrap;
    vertical-align: baseline;
  }
  .mark.changed,
  .mark.dirty,
  .mark.other-config,
  .mark.older-code {
    --mark: var(--ath-cancelled);
  }
  .mark.added {
    --mark: var(--ath-completed);
  }
  .mark.removed {
    --mark: var(--ath-failed);
  }
  .marks {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ath-space-1);
    margin-top: 2px;
  }
`;

export const runRecordStyles = css`
  :host {
    display: block;
  }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr));
    gap: var(--ath-space-3);
    margin-bottom: var(--ath-space-3);
  }
  section.card {
    min-width: 0;
  }
  .summary,
  .inferred {
    margin: 0 0 var(--ath-space-2);
  }
  .summary.differs::before {
    content: '⚠ ';
    color: var(--ath-cancelled);
  }
  dl {
    margin: 0;
  }
  dl.config-fields {
    display: grid;
    gap: 2px;
  }
  .field {
    display: grid;
    /* The value keeps 4em beside a long dotted path (it was one character a line on a phone). */
    grid-template-columns: minmax(6em, max-content) minmax(4em, 1fr);
    gap: var(--ath-space-3);
    padding: 2px var(--ath-space-2);
    border-left: 3px solid transparent;
  }
  .field.changed {
    border-left-color: var(--ath-cancelled);
    background: color-mix(in srgb, var(--ath-cancelled) 8%, transparent);
  }
  .field.added {
    border-left-color: var(--ath-completed);
    background: color-mix(in srgb, var(--ath-completed) 8%, transparent);
  }
  .field.removed {
    border-left-color: var(--ath-failed);
    background: color-mix(in srgb, var(--ath-failed) 8%, transparent);
  }
  .field dt {
    color: var(--ath-text-muted);
  }
  .field dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  code.value {
    white-space: pre-wrap;
  }
  dl.facts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(140px, 1fr));
    gap: var(--ath-space-2) var(--ath-space-4);
  }
  dl.facts dt {
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
  }
  dl.facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--ath-accent);
    text-decoration: underline;
    white-space: normal;
  }
  pre.git-diff {
    margin: var(--ath-space-2) 0 0;
    max-height: 320px;
    overflow: auto;
    padding: var(--ath-space-2);
    background: var(--ath-bg-subtle);
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    white-space: pre;
  }
  .git-diff .add {
    color: var(--ath-completed);
  }
  .git-diff .del {
    color: var(--ath-failed);
  }
  .git-diff .hunk,
  .git-diff .file {
    color: var(--ath-text-muted);
  }
  .code-line {
    margin: 0 0 var(--ath-space-2);
  }
  .code-actions {
    margin-bottom: var(--ath-space-3);
  }
  .code-actions button[aria-expanded='true'] {
    border-color: var(--ath-accent);
    background: color-mix(in srgb, var(--ath-accent) 10%, var(--ath-bg-raised));
  }
  .code-view + .code-view {
    margin-top: var(--ath-space-3);
  }
  [hidden] {
    display: none !important;
  }
`;
