/**
 * `<athanor-run-again>`: "Run again", offering both codes — the code the run kept ("with
 * this code") and the experiment's file now ("with the current code") — each with the
 * configuration the run ran with. A choice that cannot be made says why.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { apiClient, type RerunCode, type RunDetail } from '../client/api-client.ts';
import { navigate } from '../app/navigation.ts';
import { omittedCode, shortHash, shortId } from '../app/format.ts';
import { theme } from '../styles/theme.ts';
import { userText } from './user-text.ts';

/** Why a rerun with `code` cannot be asked for, or undefined when it can. */
export function rerunRefusal(run: Pick<RunDetail, 'status' | 'configuration' | 'code'>, code: RerunCode): string | undefined {
  if (!run.configuration) {
    return run.status === 'pending' ? 'This run has not started: it has no configuration to run again yet.' : 'This run never started: it has no configuration to run again.';
  }
  if (code === 'current') return undefined;
  if (!run.code) return "This run's code was not kept (it ran before runs kept their code). Run it with the current code instead.";
  if (run.code.note) return `Some of this run's code was not kept (${omittedCode(run.code.note)}). Run it with the current code instead.`;
  return undefined;
}

/**
 * The Run again menu of a run.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr run-id - the run to run again (its record is read when the menu opens, so what it
 *   offers is never stale)
 * @fires athanor-navigate - to the new run, once it is created (bubbles out of shadow roots)
 */
export class AthanorRunAgain extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    open: { state: true },
    detail: { state: true },
    busy: { state: true },
    error: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: inline-block;
        position: relative;
      }
      .menu {
        position: absolute;
        right: 0;
        top: calc(100% + 4px);
        z-index: 10;
        width: min(340px, calc(100vw - 24px));
        background: var(--ath-bg-raised);
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
        padding: var(--ath-space-2);
        display: grid;
        gap: var(--ath-space-2);
      }
      .menu[hidden] {
        display: none;
      }
      .choice button {
        width: 100%;
        justify-content: flex-start;
        font-weight: 600;
      }
      .choice button[aria-disabled='true'] {
        opacity: 0.55;
        cursor: not-allowed;
      }
      .choice p {
        margin: 2px 0 0;
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
        white-space: normal;
      }
      .choice p.refusal {
        color: var(--ath-text);
      }
      .error-text {
        margin: 0;
        font-size: var(--ath-small);
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  declare open: boolean;
  declare detail: RunDetail | undefined;
  declare busy: RerunCode | undefined;
  declare error: string | undefined;

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.open = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('runId') || changed.has('api')) this.detail = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#outside, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.#outside, true);
  }

  /** Opens the menu (reading the run's code again) or closes it. */
  async toggle(open = !this.open): Promise<void> {
    this.open = open;
    this.error = undefined;
    if (!open) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.choice button')?.focus();
    try {
      const detail = await apiClient(this.api).getRun(this.runId);
      if (this.open) this.detail = detail;
    } catch (error) {
      this.error = `Could not read the run: ${(error as Error).message}`;
    }
  }

  /** Creates the rerun and shows it. */
  async runAgain(code: RerunCode): Promise<void> {
    const run = this.detail;
    if (!run || this.busy || rerunRefusal(run, code)) return;
    this.busy = code;
    this.error = undefined;
    try {
      const created = await apiClient(this.api).rerun(run.id, code);
      this.open = false;
      navigate(this, this.api, `/runs/${created.id}`);
    } catch (error) {
      this.error = `Could not start a new run: ${(error as Error).message}`;
    } finally {
      this.busy = undefined;
    }
  }

  #outside = (event: Event): void => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  #keydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.open) return;
    event.stopPropagation();
    this.open = false;
    this.renderRoot.querySelector<HTMLButtonElement>('#toggle')?.focus();
  }

  #choice(code: RerunCode, label: string, description: string) {
    const run = this.detail;
    const refusal = run ? rerunRefusal(run, code) : undefined;
    const id = `${code}-about`;
    return html`<div class="choice">
      <button type="button" data-code=${code} aria-describedby=${id} aria-disabled=${!run || refusal || this.busy ? 'true' : 'false'}
        @click=${() => this.runAgain(code)}>${this.busy === code ? 'Starting…' : label}</button>
      ${refusal ? html`<p id=${id} class="refusal">${userText(refusal)}</p>` : html`<p id=${id}>${description}</p>`}
    </div>`;
  }

  override render() {
    const run = this.detail;
    const hash = run?.code?.hash ? shortHash(run.code.hash) : undefined;
    return html`<div @keydown=${(e: KeyboardEvent) => this.#keydown(e)}>
      <button type="button" id="toggle" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="menu" @click=${() => this.toggle()}>
        Run again <span aria-hidden="true">▾</span>
      </button>
      <div class="menu" id="menu" role="group" aria-label="Run ${shortId(this.runId)} again" ?hidden=${!this.open}>
        ${this.open
          ? html`${this.#choice('snapshot', 'With this code', `The code this run ran${hash ? ` (${hash})` : ''}, whatever the file says now; the configuration it ran with.`)}
            ${this.#choice('current', 'With the current code', "The experiment's file as it is now; the configuration this run ran with.")}
            ${!run && !this.error ? html`<p class="muted" role="status">Reading the run…</p>` : nothing}
            ${this.error ? html`<p class="error-text" role="alert">${userText(this.error)}</p>` : nothing}`
          : nothing}
      </div>
    </div>`;
  }
}

if (!customElements.get('athanor-run-again')) customElements.define('athanor-run-again', AthanorRunAgain);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-run-again': AthanorRunAgain;
  }
}
