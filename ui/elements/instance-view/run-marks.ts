/**
 * The marks on a run in its instance's list when it ran with something other than what a
 * run would get now: "other config" (its configuration differs from the instance's now)
 * and "older code" (its code hash is not the experiment's now). Each says what differs in
 * its tooltip and, for screen readers, in words beside it.
 */
import { html, nothing } from 'lit';
import type { Run } from '../../client/api-client.ts';
import { configurationChanges, describeChange, type ConfigField, type ConfigShape } from '../../state/config-diff.ts';
import { shortHash } from '../../app/format.ts';

/** What a run is compared with: its instance's configuration and the experiment's code now. */
export interface RunMarksBasis {
  configuration: Record<string, unknown> | undefined;
  schema: ConfigShape | null | undefined;
  codeHash: string | null | undefined;
}

const MAX_LISTED = 3;

/** Whether the run ran other code than the experiment's now. */
const codeDiffers = (run: Pick<Run, 'codeHash'>, basis: RunMarksBasis) => !!run.codeHash && !!basis.codeHash && run.codeHash !== basis.codeHash;

/**
 * How the run's configuration differs from its instance's now, split by whose doing it is:
 * where its code differs, a field added or removed since is the code's; a changed value is
 * the configuration's.
 */
function differences(run: Pick<Run, 'configuration' | 'codeHash'>, basis: RunMarksBasis): { config: ConfigField[]; code: ConfigField[] } {
  if (!run.configuration || !basis.configuration) return { config: [], code: [] };
  const changes = configurationChanges(run.configuration, basis.configuration, basis.schema);
  const ofCode = (change: ConfigField) => codeDiffers(run, basis) && change.kind !== 'changed';
  return { config: changes.filter((change) => !ofCode(change)), code: changes.filter(ofCode) };
}

/** `a; b; c; and 2 more`: the first few changes in words. */
function listed(changes: readonly ConfigField[]): string {
  const more = changes.length > MAX_LISTED ? `; and ${changes.length - MAX_LISTED} more` : '';
  return `${changes.slice(0, MAX_LISTED).map(describeChange).join('; ')}${more}`;
}

/**
 * Why a run is marked "other config" and "older code" (undefined: it is not), from one
 * comparison of its configuration: fields its older code lacked or had are the code's mark.
 */
export function markReasons(run: Pick<Run, 'configuration' | 'codeHash'>, basis: RunMarksBasis): { config?: string; code?: string } {
  const { config, code } = differences(run, basis);
  return {
    config: config.length ? `Ran with a configuration other than the instance's now: ${listed(config)}` : undefined,
    code: codeDiffers(run, basis)
      ? `Ran an older version of the experiment's code (${shortHash(run.codeHash)}; now ${shortHash(basis.codeHash)})${code.length ? `; since then ${listed(code)}` : ''}`
      : undefined,
  };
}

export const otherConfigReason = (run: Pick<Run, 'configuration' | 'codeHash'>, basis: RunMarksBasis) => markReasons(run, basis).config;
export const olderCodeReason = (run: Pick<Run, 'configuration' | 'codeHash'>, basis: RunMarksBasis) => markReasons(run, basis).code;

function mark(kind: 'other-config' | 'older-code', label: string, reason: string) {
  return html`<span class="mark ${kind}" title=${reason}>${label}<span class="visually-hidden">: ${reason}</span></span>`;
}

/** The run's marks, or nothing when it ran with what a run would get now. */
export function runMarks(run: Run, basis: RunMarksBasis) {
  const { config, code } = markReasons(run, basis);
  if (!config && !code) return nothing;
  return html`<div class="marks">
    ${config ? mark('other-config', 'other config', config) : nothing} ${code ? mark('older-code', 'older code', code) : nothing}
  </div>`;
}
