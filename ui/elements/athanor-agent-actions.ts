/**
 * `<athanor-agent-actions>`: what AI agents did through the MCP server — each
 * state-changing tool call, newest first: when, which client, the tool, its outcome, what
 * it made or the error, and its arguments (folded). Runs it names link to their pages.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { apiClient, type AgentAction } from '../client/api-client.ts';
import { formatTime } from '../app/format.ts';
import { theme } from '../styles/theme.ts';
import { userText } from './user-text.ts';

const RUN_ID = /\brun ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/;

/** The detail, with a run it names as a link to the run's page. */
function detail(text: string) {
  const found = RUN_ID.exec(text);
  if (!found) return userText(text);
  const [before, after] = [text.slice(0, found.index), text.slice(found.index + found[0].length)];
  return html`${userText(before)}run <a href=${`/runs/${found[1]}`}><code>${found[1]!.slice(0, 8)}</code></a>${userText(after)}`;
}

/**
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr page-size - actions per page (default 50)
 */
export class AthanorAgentActions extends LitElement {
  static override properties = {
    api: {},
    pageSize: { attribute: 'page-size', type: Number },
    actions: { state: true },
    next: { state: true },
    problem: { state: true },
    busy: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host { display: block; }
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--ath-border); vertical-align: top; }
      td.when, td.client, td.tool { white-space: nowrap; }
      .error { color: var(--ath-error); }
      pre { margin: 4px 0 0; white-space: pre-wrap; word-break: break-word; font-size: var(--ath-small); }
    `,
  ];

  declare api: string;
  declare pageSize: number;
  declare actions: AgentAction[];
  declare next: string | null;
  declare problem: string | undefined;
  declare busy: boolean;

  constructor() {
    super();
    this.api = '';
    this.pageSize = 50;
    this.actions = [];
    this.next = null;
    this.busy = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api')) void this.#load(null);
  }

  async #load(cursor: string | null): Promise<void> {
    this.busy = true;
    try {
      const page = await apiClient(this.api).agentActions({ limit: this.pageSize, cursor });
      this.actions = cursor ? [...this.actions, ...page.items] : page.items;
      this.next = page.next;
      this.problem = undefined;
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1>Agents</h1>
      <p class="muted">What AI agents did through the MCP server (<code>athanor mcp</code>, <code>/mcp</code>): every call that changed something, newest first.</p>
      ${this.problem ? html`<p role="alert" class="error">Could not read the agents' actions: ${this.problem}</p>` : nothing}
      ${this.actions.length === 0 && !this.busy && !this.problem ? html`<p class="empty">No agent has changed anything yet.</p>` : nothing}
      ${this.actions.length
        ? html`<div class="scroll"><table>
            <thead><tr><th scope="col">When</th><th scope="col">Agent</th><th scope="col">Tool</th><th scope="col">Outcome</th><th scope="col">What</th></tr></thead>
            <tbody>
              ${this.actions.map(
                (action) => html`<tr data-outcome=${action.outcome}>
                  <td class="when" title=${action.at}>${formatTime(action.at)}</td>
                  <td class="client">${userText(action.client)}</td>
                  <td class="tool"><code>${action.tool}</code></td>
                  <td class=${action.outcome === 'error' ? 'error' : ''}>${action.outcome === 'ok' ? '✓ done' : '✗ refused'}</td>
                  <td>${detail(action.detail)}
                    <details><summary>arguments</summary><pre>${userText(JSON.stringify(action.arguments, null, 2))}</pre></details></td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
        : nothing}
      ${this.next ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.#load(this.next)}>Load more</button>` : nothing}
    `;
  }
}

if (!customElements.get('athanor-agent-actions')) customElements.define('athanor-agent-actions', AthanorAgentActions);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-agent-actions': AthanorAgentActions;
  }
}
