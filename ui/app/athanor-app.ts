/**
 * `<athanor-app>`: the workbench's single page — a header, the view for the current route,
 * and the keyboard shortcuts. Each view is a standalone element (see ui/index.ts); the app
 * only routes between them, so a view behaves the same inside it and embedded elsewhere.
 */
import { LitElement, css, html, nothing } from 'lit';
import { SignalWatcher } from '@lit-labs/signals';
import { theme } from '../styles/theme.ts';
import { LiveEventsController, liveConnection } from '../state/live-events.ts';
import { databaseStatus, refreshDatabaseStatus } from '../state/database-status.ts';
import { isAppPath, matchRoute, type Route } from './app-routes.ts';
import { isTyping, SHORTCUTS } from './keyboard-shortcuts.ts';
import { NAVIGATE_EVENT, type NavigateDetail } from './navigation.ts';
import '../elements/athanor-dashboard.ts';
import '../elements/athanor-instance-view.ts';
import '../elements/athanor-run-view.ts';
import '../elements/athanor-new-instance.ts';
import '../elements/athanor-source-pane.ts';
import '../elements/athanor-runs-table.ts';
import '../elements/athanor-compare.ts';
import '../elements/athanor-agent-actions.ts';

const TITLES: Record<Route['view'], string> = {
  dashboard: 'Instances',
  'new-instance': 'New instance',
  instance: 'Instance',
  run: 'Run',
  source: 'Experiments',
  runs: 'Runs',
  compare: 'Compare',
  agents: 'Agents',
  'not-found': 'Not found',
};

export class AthanorApp extends SignalWatcher(LitElement) {
  static override properties = { api: {}, route: { state: true } };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100vh;
        background: var(--ath-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: var(--ath-space-4);
        padding: 0 var(--ath-space-4);
        height: 44px;
        border-bottom: 1px solid var(--ath-border);
        background: var(--ath-bg-subtle);
        position: sticky;
        top: 0;
        z-index: 10;
      }
      .brand {
        white-space: nowrap;
        font-weight: 700;
        letter-spacing: 0.02em;
        color: var(--ath-text);
        text-decoration: none;
      }
      nav {
        display: flex;
        gap: var(--ath-space-1);
      }
      nav a {
        color: var(--ath-text-muted);
        text-decoration: none;
        padding: 4px 10px;
        border-radius: var(--ath-radius);
      }
      nav a[aria-current='page'] {
        color: var(--ath-text);
        background: var(--ath-bg-raised);
        border: 1px solid var(--ath-border);
      }
      .database-down {
        font-size: var(--ath-small);
        font-weight: 600;
        color: var(--ath-failed);
      }
      .live {
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
      }
      .live.open::before {
        content: '● ';
        color: var(--ath-completed);
      }
      .live:not(.open)::before {
        content: '○ ';
        color: var(--ath-cancelled);
      }
      main {
        flex: 1;
        padding: var(--ath-space-4) var(--ath-space-6);
        min-width: 0;
        /* What sticks to the top of a view (a list's column names) sticks under the header. */
        --ath-sticky-top: 44px;
      }
      main.wide {
        padding: 0;
      }
      dialog {
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        background: var(--ath-bg-raised);
        color: var(--ath-text);
        min-width: min(360px, calc(100vw - 48px));
        max-width: calc(100vw - 32px);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.35);
      }
      /* A phone-sized screen: the header keeps to one line (the live dot stays, its word goes). */
      @media (max-width: 600px) {
        header {
          gap: var(--ath-space-2);
          padding: 0 var(--ath-space-3);
        }
        nav a {
          padding: 4px 6px;
        }
        /* Three sections and the controls fill a phone's header: the mark stays, the name goes (screen readers keep it). */
        .live-text,
        .brand-text {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
        }
        main {
          padding: var(--ath-space-3);
        }
      }
      kbd {
        font-family: var(--ath-mono);
        font-size: var(--ath-small);
        border: 1px solid var(--ath-border);
        border-bottom-width: 2px;
        border-radius: 4px;
        padding: 0 5px;
      }
    `,
  ];

  declare api: string;
  declare route: Route;
  #pendingG = 0;
  // The header's database status follows the workbench's `database.status` events.
  readonly #live = new LiveEventsController(this, () => ({ api: this.api }), {
    'database.status': ({ type: _, ...status }) => databaseStatus.set(status),
    reset: () => void refreshDatabaseStatus(this.api),
  });

  constructor() {
    super();
    this.api = '';
    this.route = matchRoute(location.pathname, location.search);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void refreshDatabaseStatus(this.api);
    window.addEventListener('popstate', this.#onPopState);
    window.addEventListener('keydown', this.#onKeyDown);
    document.addEventListener('click', this.#onClick);
    this.addEventListener(NAVIGATE_EVENT, this.#onNavigate as EventListener);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onPopState);
    window.removeEventListener('keydown', this.#onKeyDown);
    document.removeEventListener('click', this.#onClick);
    this.removeEventListener(NAVIGATE_EVENT, this.#onNavigate as EventListener);
  }

  /** Shows `path` (a page of the app) and records it in the history. */
  go(path: string, options: { replace?: boolean } = {}): void {
    const url = new URL(path, location.origin);
    if (options.replace) {
      // The same page, its state changed (a sort): no new history entry, no scroll.
      history.replaceState(null, '', url.pathname + url.search);
      this.route = matchRoute(url.pathname, url.search);
      return;
    }
    history.pushState(null, '', url.pathname + url.search);
    this.route = matchRoute(url.pathname, url.search);
    window.scrollTo(0, 0);
  }

  protected override updated(changed: Map<string, unknown>): void {
    const route = this.route;
    document.title = `${route.view === 'new-instance' && route.sweep ? 'New sweep' : TITLES[route.view]} · Athanor`;
    if (changed.has('api')) this.#live.retarget();
  }

  #onPopState = () => {
    this.route = matchRoute(location.pathname, location.search);
  };

  #onNavigate = (event: CustomEvent<NavigateDetail>) => {
    event.preventDefault();
    this.go(event.detail.path, { replace: event.detail.replace });
  };

  /** Same-origin links to app pages route in place, from any shadow root. */
  #onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((target): target is HTMLAnchorElement => target instanceof HTMLAnchorElement);
    if (!anchor || !anchor.href || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || !isAppPath(url.pathname)) return;
    event.preventDefault();
    this.go(url.pathname + url.search);
  };

  #onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || isTyping(event)) return;
    const view = this.route.view;
    if (this.#pendingG && Date.now() - this.#pendingG < 1000) {
      this.#pendingG = 0;
      if (event.key === 'd') return this.#shortcut(event, () => this.go('/experiments'));
      if (event.key === 's') return this.#shortcut(event, () => this.go('/source'));
    }
    this.#pendingG = 0;
    if (this.shadowRoot?.querySelector('dialog[open]')) return;
    if (event.key === '?') return this.#shortcut(event, () => this.shadowRoot?.querySelector<HTMLDialogElement>('#shortcuts')?.showModal());
    if (event.key === 'g') return void (this.#pendingG = Date.now());
    if (event.key === 'n' && view === 'dashboard') return this.#shortcut(event, () => this.go('/experiments/new'));
    if (event.key === 'r' && view === 'instance') {
      return this.#shortcut(event, () => void this.shadowRoot?.querySelector('athanor-instance-view')?.startRun());
    }
  };

  #shortcut(event: KeyboardEvent, action: () => void): void {
    event.preventDefault();
    action();
  }

  #view() {
    const route = this.route;
    switch (route.view) {
      case 'dashboard':
        return html`<athanor-dashboard api=${this.api} experiment=${route.experiment ?? nothing} sort=${route.sort ?? 'activity'} q=${route.q ?? nothing}></athanor-dashboard>`;
      case 'new-instance':
        return html`<athanor-new-instance api=${this.api} experiment=${route.experiment ?? nothing} from=${route.from ?? nothing}
          ?sweep=${route.sweep ?? false}></athanor-new-instance>`;
      case 'instance':
        return html`<athanor-instance-view api=${this.api} instance-id=${route.instanceId} ?edit=${route.edit ?? false}></athanor-instance-view>`;
      case 'run':
        return html`<athanor-run-view api=${this.api} run-id=${route.runId}></athanor-run-view>`;
      case 'source':
        return html`<athanor-source-pane api=${this.api} experiment=${route.experiment ?? nothing}></athanor-source-pane>`;
      case 'runs':
        return html`<athanor-runs-table api=${this.api} experiment=${route.experiment} query=${route.query}></athanor-runs-table>`;
      case 'compare':
        return html`<athanor-compare api=${this.api} runs=${route.runs.join(',')} baseline=${route.baseline ?? nothing}></athanor-compare>`;
      case 'agents':
        return html`<athanor-agent-actions api=${this.api}></athanor-agent-actions>`;
      case 'not-found':
        return html`<h1>Not found</h1>
          <p>There is no page at <code>${route.path}</code>. <a href="/experiments">Go to the dashboard</a>.</p>`;
    }
  }

  override render() {
    const view = this.route.view;
    const live = liveConnection.get();
    const database = databaseStatus.get();
    const section = view === 'source' || view === 'agents' ? view : 'instances';
    const current = (name: 'instances' | 'source' | 'agents') => (name === section ? 'page' : nothing);
    return html`
      <header>
        <a class="brand" href="/experiments">⚗ <span class="brand-text">Athanor</span></a>
        <nav aria-label="Main">
          <a href="/experiments" aria-current=${current('instances')}>Instances</a>
          <a href="/source" aria-current=${current('source')}>Experiments</a>
          <a href="/agents" aria-current=${current('agents')}>Agents</a>
        </nav>
        <span class="spacer"></span>
        ${database.status === 'unavailable'
          ? html`<span class="database-down" role="status" title=${`since ${database.since}: ${database.error}`}>database unavailable</span>`
          : nothing}
        <span class="live ${live}" title="Live updates"><span class="live-text">${live === 'open' ? 'live' : live}</span></span>
        <button type="button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
          @click=${() => this.shadowRoot?.querySelector<HTMLDialogElement>('#shortcuts')?.showModal()}>?</button>
      </header>
      <main class=${view === 'source' ? 'wide' : ''}>${this.#view()}</main>
      <dialog id="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table>
          <thead><tr><th scope="col">Key</th><th scope="col">Where</th><th scope="col">Does</th></tr></thead>
          <tbody>
            ${SHORTCUTS.map((s) => html`<tr><td><kbd>${s.key}</kbd></td><td>${s.scope}</td><td>${s.action}</td></tr>`)}
          </tbody>
        </table>
        <form method="dialog" class="row" style="margin-top: 12px; justify-content: flex-end">
          <button class="primary" autofocus>Close</button>
        </form>
      </dialog>
    `;
  }
}

customElements.define('athanor-app', AthanorApp);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-app': AthanorApp;
  }
}
