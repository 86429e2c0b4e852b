/**
 * Templates of `<athanor-run-record>`: the configuration a run ran with (marked where it
 * differs from its instance's now) and the environment it ran in.
 */
import { html, nothing } from 'lit';
import type { Instance, RunDetail, RunEnvironment } from '../../client/api-client.ts';
import { pageHref } from '../../app/navigation.ts';
import { compareConfiguration, showValue, type ConfigField, type ConfigShape } from '../../state/config-diff.ts';
import { userName, userText } from '../user-text.ts';

const KIND_LABEL = { changed: 'changed', added: 'added since', removed: 'removed since' } as const;

/** A value as the configuration shows it: strings as written, the rest as JSON. */
const value = (v: unknown) => html`<code class="value">${userText(showValue(v, 400))}</code>`;

function fieldValue(field: ConfigField) {
  if (field.kind === 'same') return value(field.ran);
  const mark = html`<span class="mark ${field.kind}">${KIND_LABEL[field.kind]}</span>`;
  if (field.kind === 'changed') return html`${mark} <span class="was">ran with ${value(field.ran)}</span> · <span class="now">instance now ${value(field.now)}</span>`;
  if (field.kind === 'added') return html`${mark} <span class="was">not in this run</span> · <span class="now">instance now ${value(field.now)}</span>`;
  return html`${mark} <span class="was">ran with ${value(field.ran)}</span> · <span class="now">not in the instance now</span>`;
}

function countWords(fields: readonly ConfigField[]): string {
  const count = (kind: ConfigField['kind']) => fields.filter((f) => f.kind === kind).length;
  const parts = [
    [count('changed'), 'changed'],
    [count('added'), 'added'],
    [count('removed'), 'removed'],
  ].filter(([n]) => (n as number) > 0);
  return parts.map(([n, word]) => `${n} ${word}`).join(', ');
}

export interface ConfigurationOptions {
  api: string;
  run: RunDetail;
  /** The run's instance now (undefined: it could not be read). */
  instance: Instance | undefined;
  schema: ConfigShape | null | undefined;
}

/** The configuration the run ran with, field by field, each difference from the instance's now marked. */
export function configurationTemplate({ api, run, instance, schema }: ConfigurationOptions) {
  if (!run.configuration) {
    return html`<p class="muted">${run.status === 'pending' ? 'Kept when the run starts.' : 'Not kept: this run never started.'}</p>`;
  }
  const fields = compareConfiguration(run.configuration, instance?.configuration, schema);
  const changes = fields.filter((f) => f.kind !== 'same');
  const instanceLink = instance
    ? html`<a href=${pageHref(api, `/experiments/${encodeURIComponent(instance.id)}`)}>${userText(instance.name)}</a>`
    : nothing;
  const summary = !instance
    ? html`<p class="summary muted">Its instance could not be read: nothing to compare with.</p>`
    : changes.length
      ? html`<p class="summary differs" role="note">Differs from ${instanceLink}'s configuration now: ${countWords(changes)}.</p>`
      : html`<p class="summary muted">Same as ${instanceLink}'s configuration now.</p>`;
  return html`
    ${run.configurationInferred
      ? html`<p class="inferred" role="note"><span class="tag">inferred</span> This run is from before runs kept their configuration: this is its
          instance's configuration when they began to, not necessarily what it ran with.</p>`
      : nothing}
    ${summary}
    ${fields.length === 0
      ? html`<p class="muted">(empty)</p>`
      : html`<dl class="config-fields">
          ${fields.map(
            (field) => html`<div class="field ${field.kind}" data-path=${field.path} data-kind=${field.kind}>
              <dt><code>${userName(field.path)}</code></dt>
              <dd>${fieldValue(field)}</dd>
            </div>`,
          )}
        </dl>`}
  `;
}

/** The diff of the run's files against the commit, one line at a time, + and − lines marked. */
function gitDiff(diff: string) {
  const lineClass = (line: string) =>
    line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
  return html`<pre class="git-diff" tabindex="0" aria-label="The run's changes against the commit">${diff
    .split('\n')
    .map((line) => html`<span class=${lineClass(line)}>${userText(line)}</span>\n`)}</pre>`;
}

export interface EnvironmentOptions {
  run: RunDetail;
  /** Whether the git diff is shown. */
  diffOpen: boolean;
  onToggleDiff: () => void;
}

function gitFacts(git: NonNullable<RunEnvironment['git']>, { diffOpen, onToggleDiff }: EnvironmentOptions) {
  return html`<div>
    <dt>Git</dt>
    <dd>
      <code title=${git.commit}>${git.commit.slice(0, 7)}</code>
      ${git.branch ? html` on <code>${userText(git.branch)}</code>` : html` <span class="muted">(detached)</span>`}
      ${git.dirty
        ? html`<span class="mark dirty" title="The run's files differed from this commit">dirty</span>
            ${git.diff
              ? html`<button type="button" class="link" aria-expanded=${diffOpen ? 'true' : 'false'} aria-controls="git-diff" @click=${onToggleDiff}>
                  ${diffOpen ? 'Hide the diff' : 'View the diff'}
                </button>`
              : nothing}`
        : nothing}
    </dd>
  </div>`;
}

/** Why a run has no environment: not started yet, ended before it started, or older than the record. */
function environmentMissing(run: EnvironmentOptions['run']): string {
  if (run.status === 'pending') return 'Kept when the run starts.';
  if (run.startedAt === null) return `Not kept: the run was ${run.status} before it started.`;
  return 'Not kept: this run is from before runs kept their environment.';
}

/** Where the run ran: Node, athanor, platform, host and git. */
export function environmentTemplate(options: EnvironmentOptions) {
  const env = options.run.environment;
  if (!env) {
    return html`<p class="muted">${environmentMissing(options.run)}</p>`;
  }
  const git = env.git;
  return html`<dl class="facts">
      <div><dt>Node</dt><dd>${userText(env.node)}</dd></div>
      <div><dt>athanor</dt><dd>${userText(env.athanor)}</dd></div>
      <div><dt>Platform</dt><dd>${userText(env.platform)} / ${userText(env.arch)}</dd></div>
      <div><dt>Host</dt><dd>${userText(env.host)}</dd></div>
      ${options.run.worker ? html`<div><dt>Worker</dt><dd>${userText(options.run.worker)}</dd></div>` : nothing}
      ${git ? gitFacts(git, options) : html`<div><dt>Git</dt><dd class="muted">not a git repository</dd></div>`}
    </dl>
    ${git?.diff ? html`<div id="git-diff" ?hidden=${!options.diffOpen}>${options.diffOpen ? gitDiff(git.diff) : nothing}</div>` : nothing}`;
}
