/** The look and the change list of `<athanor-instance-history>`. */
import { css, html } from 'lit';
import { previewValue } from '../../app/format.ts';
import type { VersionChange } from '../../state/version-changes.ts';
import { userText } from '../user-text.ts';

/** A value as the change list shows it: JSON (strings quoted), cut to one line. */
function shownValue(value: unknown, field: string) {
  if (field === 'description' && value === null) return html`<span class="muted">(none)</span>`;
  return userText(previewValue(JSON.stringify(value) ?? String(value), 120));
}

/** One line per change: `field: old → new`; `(new)` and `(removed)` when a side is missing. */
export function changeList(changes: VersionChange[]) {
  return html`<ul class="changes">
    ${changes.map(
      (change) => html`<li data-field=${change.field}>
        ${change.kind === 'instance' ? html`<span class="field">${change.field}</span>` : html`<code class="field">${userText(change.field)}</code>`}:
        ${change.added ? html`<span class="muted">(new)</span>` : html`<del>${shownValue(change.before, change.field)}</del>`}
        <span aria-hidden="true">→</span><span class="visually-hidden">changed to</span>
        ${change.removed ? html`<span class="muted">(removed)</span>` : html`<ins>${shownValue(change.after, change.field)}</ins>`}
      </li>`,
    )}
  </ul>`;
}

export const instanceHistoryStyles = css`
  :host {
    display: block;
  }
  .intro {
    margin: 0 0 var(--ath-space-3);
    font-size: var(--ath-small);
  }
  ol.versions {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
  }
  li.version {
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    background: var(--ath-bg-raised);
    padding: var(--ath-space-2) var(--ath-space-3);
    scroll-margin: var(--ath-space-6);
  }
  li.version.highlighted {
    border-color: var(--ath-accent);
    box-shadow: inset 4px 0 0 var(--ath-accent);
  }
  .version-head {
    gap: var(--ath-space-2);
  }
  .version-head h3 {
    margin: 0;
    font-family: var(--ath-mono);
  }
  .version-head time {
    font-size: var(--ath-small);
  }
  .tag {
    font-size: var(--ath-small);
    border: 1px solid var(--ath-completed);
    color: var(--ath-completed);
    border-radius: 999px;
    padding: 0 6px;
  }
  /* Every line of a version in one size: changes, summaries, configurations. */
  .summary {
    margin: var(--ath-space-1) 0;
    font-size: var(--ath-small);
  }
  ul.changes {
    margin: var(--ath-space-1) 0;
    padding-left: 20px;
    font-size: var(--ath-small);
  }
  ul.changes li {
    overflow-wrap: anywhere;
  }
  .field {
    color: var(--ath-text-muted);
  }
  del,
  ins {
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
    padding: 0 3px;
  }
  /* The old value struck through, the new one in bold: colour is not the only cue. */
  del {
    color: var(--ath-failed);
  }
  ins {
    color: var(--ath-completed);
    font-weight: 600;
    text-decoration: none;
  }
  details {
    margin-top: var(--ath-space-1);
    font-size: var(--ath-small);
  }
  summary {
    cursor: pointer;
    color: var(--ath-text-muted);
  }
  details[open] > summary {
    margin-bottom: var(--ath-space-1);
  }
  dl.config {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: 2px var(--ath-space-3);
    margin: 0;
  }
  dl.config dt {
    color: var(--ath-text-muted);
    font-family: var(--ath-mono);
  }
  dl.config dd {
    margin: 0;
    min-width: 0;
    font-family: var(--ath-mono);
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
  button.more {
    margin-top: var(--ath-space-3);
  }
`;
