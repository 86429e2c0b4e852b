/**
 * `<athanor-compare-code>`: the code of compared runs. When their code hashes differ, each
 * other version's changed files beside the baseline's (`<athanor-code-diff>` over both
 * snapshots from `GET /api/code/:hash`); runs that ran the same code share one diff. A
 * file whose source was not kept shows the comparison's unified diff instead.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { CodeSnapshot, Comparison } from '../../../core/records.ts';
import { apiClient } from '../../client/api-client.ts';
import { shortHash, shortId } from '../../app/format.ts';
import { theme } from '../../styles/theme.ts';
import '../athanor-code-diff.ts';
import { userText } from '../user-text.ts';
import { runName } from './compare-runs.ts';

type DiffEntry = Comparison['code']['diffs'][number];

/** One code version other than the baseline's, and the runs that ran it. */
interface Version {
  hash: string;
  from: string;
  runs: string[];
  files: DiffEntry['files'];
}

/** A version's hash as every page cuts it, or `unknown` where a run's code was not recorded. */
const hashLabel = (hash: string | null) => (hash ? shortHash(hash) : 'unknown');

export class AthanorCompareCode extends LitElement {
  static override properties = { api: {}, comparison: { attribute: false }, open: { state: true }, snapshots: { state: true } };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-3);
      }
      details {
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        padding: var(--ath-space-2) var(--ath-space-3);
      }
      summary {
        cursor: pointer;
        font-weight: 600;
      }
      .file {
        margin-top: var(--ath-space-3);
      }
      .file h4 {
        margin: 0 0 var(--ath-space-1);
        font-size: var(--ath-small);
      }
      .change {
        font-weight: normal;
        color: var(--ath-text-muted);
      }
      pre.unified {
        margin: 0;
        padding: var(--ath-space-2);
        overflow: auto;
        max-height: 420px;
        background: var(--ath-bg-subtle);
        border-radius: var(--ath-radius);
        white-space: pre;
      }
      .add {
        color: var(--ath-completed);
      }
      .del {
        color: var(--ath-failed);
      }
    `,
  ];

  declare api: string;
  declare comparison: Comparison | undefined;
  /** The versions (by hash) whose diffs are open. */
  declare open: Set<string>;
  declare snapshots: Map<string, CodeSnapshot | 'missing'>;

  #asked = new Set<string>();
  #openedFirst = false;

  constructor() {
    super();
    this.api = '';
    this.open = new Set();
    this.snapshots = new Map();
  }

  /** The versions other than the baseline's, each with the runs that ran it. */
  get versions(): Version[] {
    const versions = new Map<string, Version>();
    for (const diff of this.comparison?.code.diffs ?? []) {
      const known = versions.get(diff.to);
      if (known) known.runs.push(diff.run);
      else versions.set(diff.to, { hash: diff.to, from: diff.from, runs: [diff.run], files: diff.files });
    }
    return [...versions.values()];
  }

  protected override willUpdate(): void {
    const versions = this.versions;
    // The first other version opens by itself; the rest on request (each is a few editors).
    if (versions.length && !this.#openedFirst) {
      this.#openedFirst = true;
      this.open = new Set([versions[0]!.hash]);
    }
    for (const version of versions) if (this.open.has(version.hash)) for (const hash of [version.from, version.hash]) this.#fetch(hash);
  }

  #fetch(hash: string): void {
    if (this.#asked.has(hash)) return;
    this.#asked.add(hash);
    apiClient(this.api).readCode(hash).then(
      (snapshot) => (this.snapshots = new Map(this.snapshots).set(hash, snapshot)),
      () => (this.snapshots = new Map(this.snapshots).set(hash, 'missing')),
    );
  }

  #source(hash: string, path: string): string | undefined | null {
    const snapshot = this.snapshots.get(hash);
    if (snapshot === undefined) return undefined; // on its way
    if (snapshot === 'missing') return null;
    const file = snapshot.files.find((f) => f.path === path);
    return file ? (file.source ?? null) : '';
  }

  #file(version: Version, file: Version['files'][number], names: { from: string; to: string }) {
    const from = file.change === 'added' ? '' : this.#source(version.from, file.path);
    const to = file.change === 'removed' ? '' : this.#source(version.hash, file.path);
    const heading = html`<h4><code>${userText(file.path)}</code> <span class="change">${file.change}</span></h4>`;
    if (from === undefined || to === undefined) return html`<div class="file">${heading}<p class="muted">Loading…</p></div>`;
    if (from === null || to === null) {
      return html`<div class="file">${heading}<pre class="unified mono">${file.diff.split('\n').map(
        (line) => html`<span class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>${line}</span>\n`,
      )}</pre></div>`;
    }
    return html`<div class="file">${heading}
      <athanor-code-diff .from=${{ label: names.from, path: file.path, source: from }} .to=${{ label: names.to, path: file.path, source: to }}></athanor-code-diff>
    </div>`;
  }

  #toggle(hash: string, event: Event): void {
    const open = (event.currentTarget as HTMLDetailsElement).open;
    if (open === this.open.has(hash)) return;
    const next = new Set(this.open);
    if (open) next.add(hash);
    else next.delete(hash);
    this.open = next;
  }

  override render() {
    const comparison = this.comparison;
    if (!comparison) return nothing;
    const code = comparison.code;
    if (code.same) {
      return html`<p class="same">Every run ran the same code${code.hashes[0] ? html` (<code>${hashLabel(code.hashes[0])}</code>)` : nothing}.</p>`;
    }
    const names = new Map(comparison.runs.map((run) => [run.id, runName(run)]));
    const baseline = comparison.runs.find((run) => run.id === comparison.baseline);
    const versions = this.versions;
    if (!versions.length) {
      return html`<p class="muted">The runs' code differs (${code.hashes.map(hashLabel).join(', ')}), but there is no diff to show: a run's code was not recorded.</p>`;
    }
    return html`${versions.map((version) => {
      const runs = version.runs.map((id) => names.get(id) ?? shortId(id));
      const from = `${baseline ? runName(baseline) : 'baseline'} (${hashLabel(version.from)})`;
      const to = `${runs.join(', ')} (${hashLabel(version.hash)})`;
      return html`<details ?open=${this.open.has(version.hash)} @toggle=${(e: Event) => this.#toggle(version.hash, e)} data-hash=${version.hash}>
        <summary>${userText(to)} vs the baseline: ${version.files.length} ${version.files.length === 1 ? 'file' : 'files'} changed</summary>
        ${this.open.has(version.hash) ? version.files.map((file) => this.#file(version, file, { from, to })) : nothing}
      </details>`;
    })}`;
  }
}

if (!customElements.get('athanor-compare-code')) customElements.define('athanor-compare-code', AthanorCompareCode);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-compare-code': AthanorCompareCode;
  }
}
