/**
 * The layout every form of the app shares: a column of fields, each a grid of label and
 * control, with help and errors under the control.
 */
import { css } from 'lit';

export const formStyles = css`
  form,
  .form {
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-3);
  }
  .field {
    display: grid;
    grid-template-columns: minmax(140px, 200px) minmax(0, 1fr);
    column-gap: var(--ath-space-3);
    row-gap: 2px;
    align-items: center;
  }
  .field > :is(input, select, textarea, .color) {
    width: 100%;
    max-width: 480px;
  }
  .field > :is(.help, .error-text, .field-error) {
    grid-column: 2;
  }
  /* Where a form is narrow (a phone, an item of a list), labels sit above their controls: beside
     them, a list item's text box was left 18 px wide at 390 px. The forms' hosts and list items
     are the containers. */
  @container (max-width: 440px) {
    .field {
      grid-template-columns: minmax(0, 1fr);
    }
    .field > :is(.help, .error-text, .field-error) {
      grid-column: 1;
    }
  }
`;
