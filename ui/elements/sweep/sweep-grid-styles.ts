/** The sweep grid's look: a row per field (Vary, then its values), the count, the names. */
import { css } from 'lit';

export const sweepGridStyles = css`
  :host {
    display: block;
  }
  fieldset {
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    padding: var(--ath-space-3);
    margin: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 var(--ath-space-1);
  }
  .help,
  .hint {
    font-size: var(--ath-small);
    color: var(--ath-text-muted);
    margin: 0;
  }
  ul.fields {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
  }
  li.field {
    display: grid;
    grid-template-columns: minmax(160px, 220px) minmax(0, 1fr);
    gap: 2px var(--ath-space-3);
    align-items: start;
    padding: var(--ath-space-2);
    border-radius: var(--ath-radius);
  }
  li.field.on {
    background: var(--ath-bg-subtle);
  }
  .vary {
    display: flex;
    gap: var(--ath-space-2);
    align-items: baseline;
    overflow-wrap: anywhere;
  }
  .vary .now {
    font-size: var(--ath-small);
  }
  .values {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .values input[type='text'] {
    width: 100%;
    max-width: 420px;
    font-family: var(--ath-mono);
  }
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ath-space-1) var(--ath-space-3);
  }
  .choices label {
    display: inline-flex;
    gap: 4px;
    align-items: center;
  }
  .error-text {
    font-size: var(--ath-small);
  }
  .error-text > div::before {
    content: '⚠ ';
  }
  .summary {
    font-weight: 600;
    margin: 0;
  }
  .summary.refused {
    color: var(--ath-failed);
  }
  .preview ol {
    margin: var(--ath-space-1) 0 0;
    padding-left: 24px;
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
    overflow-wrap: anywhere;
  }
  @media (max-width: 600px) {
    li.field {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`;
