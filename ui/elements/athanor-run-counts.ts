/**
 * `<athanor-run-counts>`: an instance's runs counted by status — one chip per status
 * present, each with its symbol, number and word (never colour alone).
 */
import { LitElement, css, html, nothing } from 'lit';
import type { RunStatus } from '../client/api-client.ts';
import type { RunCounts } from '../../core/records.ts';
import { STATUS_SYMBOLS as SYMBOLS, statusStyles } from '../styles/status-styles.ts';
import { theme } from '../styles/theme.ts';

const ORDER: readonly RunStatus[] = ['running', 'pending', 'completed', 'failed', 'cancelled'];

/**
 * @property counts - `{pending, running, completed, failed, cancelled, total}`
 */
export class AthanorRunCounts extends LitElement {
  static override properties = { counts: { attribute: false } };
  static override styles = [
    theme,
    statusStyles,
    css`
      :host {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 4px;
        align-items: center;
      }
      .chip {
        display: inline-flex;
        gap: 3px;
        align-items: center;
        border: 1px solid currentColor;
        border-radius: 999px;
        padding: 0 7px 0 5px;
        font-size: var(--ath-small);
        white-space: nowrap;
      }
      .chip b {
        font-weight: 700;
      }
    `,
  ];

  declare counts: RunCounts | undefined;

  override render() {
    const counts = this.counts;
    if (!counts || counts.total === 0) return html`<span class="muted">no runs</span>`;
    return html`${ORDER.map((status) =>
      counts[status]
        ? html`<span class="chip ${status}" data-status=${status}
            ><span aria-hidden="true">${SYMBOLS[status]}</span><b>${counts[status]}</b> ${status}</span
          >`
        : nothing,
    )}`;
  }
}

if (!customElements.get('athanor-run-counts')) customElements.define('athanor-run-counts', AthanorRunCounts);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-run-counts': AthanorRunCounts;
  }
}
