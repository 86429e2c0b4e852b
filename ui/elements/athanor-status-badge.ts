/**
 * `<athanor-status-badge status="running">`: a run's status as a symbol, a word and a
 * colour, so it reads without colour too.
 */
import { LitElement, css, html } from 'lit';
import type { RunStatus } from '../client/api-client.ts';
import { STATUS_SYMBOLS as SYMBOLS, statusStyles } from '../styles/status-styles.ts';
import { theme } from '../styles/theme.ts';


export class AthanorStatusBadge extends LitElement {
  static override properties = { status: { reflect: true } };
  static override styles = [
    theme,
    statusStyles,
    css`
      :host {
        display: inline-block;
      }
      /* The pill (not its symbol, which is a span too). */
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        padding: 1px 8px 1px 6px;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: var(--ath-small);
        font-weight: 600;
        white-space: nowrap;
      }
      .running .symbol {
        display: inline-block;
        animation: spin 1.2s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .running .symbol {
          animation: none;
        }
      }
    `,
  ];

  declare status: RunStatus;

  constructor() {
    super();
    this.status = 'pending';
  }

  override render() {
    return html`<span class="badge ${this.status}"
      ><span class="symbol" aria-hidden="true">${SYMBOLS[this.status] ?? '?'}</span>${this.status}</span
    >`;
  }
}

customElements.define('athanor-status-badge', AthanorStatusBadge);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-status-badge': AthanorStatusBadge;
  }
}
