/** The new-instance (and sweep) form's look, over the shared form layout. */
import { css } from 'lit';

export const newInstanceStyles = css`
  :host {
    display: block;
    max-width: 860px;
    container-type: inline-size;
  }
  .field > .help,
  .field > .error-text {
    font-size: var(--ath-small);
  }
  .help {
    color: var(--ath-text-muted);
  }
  .required {
    color: var(--ath-failed);
  }
  .error-text::before {
    content: '⚠ ';
  }
  h2 {
    margin: var(--ath-space-3) 0 0;
  }
  .title {
    margin-bottom: var(--ath-space-3);
  }
  .title h1 {
    margin: 0;
  }
  .actions {
    border-top: 1px solid var(--ath-border);
    padding-top: var(--ath-space-3);
  }
  button[aria-disabled='true'] {
    opacity: 0.55;
  }
  .alert {
    border: 1px solid var(--ath-failed);
    border-radius: var(--ath-radius);
    padding: var(--ath-space-2) var(--ath-space-3);
  }
`;
