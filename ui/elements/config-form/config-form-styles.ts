/** The look of `<athanor-config-form>`: a dense grid of label, control, help and error. */
import { css } from 'lit';

export const configFormStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }
  .field > label {
    font-weight: 500;
  }
  .field.checkbox {
    grid-template-columns: auto 1fr;
    justify-content: start;
  }
  .field.checkbox > input {
    width: auto;
    margin: 0;
  }
  .field.checkbox > .help,
  .field.checkbox > .field-error {
    grid-column: 1 / -1;
  }
  .color {
    display: flex;
    gap: var(--ath-space-2);
  }
  .color input[type='text'] {
    flex: 1;
  }
  .color input[type='color'] {
    width: 40px;
    padding: 2px;
  }
  textarea {
    resize: vertical;
    min-height: 4em;
  }
  textarea.code {
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
  }
  .required {
    color: var(--ath-failed);
  }
  .help {
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
  }
  .field-error,
  .orphans {
    font-size: var(--ath-small);
  }
  /* One mark per message: on the container it sat alone on a line above them. */
  .field-error > div::before {
    content: '⚠ ';
  }
  .orphans {
    border: 1px solid var(--ath-failed);
    border-radius: var(--ath-radius);
    padding: var(--ath-space-2) var(--ath-space-3);
  }
  fieldset {
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    padding: var(--ath-space-2) var(--ath-space-3) var(--ath-space-3);
    margin: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-3);
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 var(--ath-space-1);
  }
  .count,
  .empty {
    color: var(--ath-text-muted);
    font-weight: 400;
    font-size: var(--ath-small);
    margin: 0;
  }
  ol.items {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
  }
  fieldset.item {
    background: var(--ath-bg-subtle);
    flex-direction: row;
    align-items: flex-start;
  }
  fieldset.item > legend {
    font-weight: 500;
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
  }
  .item-body {
    container-type: inline-size;
    flex: 1;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
    min-width: 0;
  }
  .item-actions {
    display: flex;
    gap: var(--ath-space-1);
  }
  .item-actions button {
    padding: 2px 8px;
  }
  button.add {
    align-self: flex-start;
  }
`;
