/**
 * How a load result changes a file's record: an experiment is listed with its definition,
 * a helper is not listed, and an error keeps the last good definition (so a broken
 * experiment keeps its name and schema). Whether a failing module is listed at all
 * depends on what it was before and on what it reads like.
 */
import type { LoadResult } from '../loader/loader-protocol.ts';
import type { FileRecord } from './experiment-table.ts';

/** Errors that a reload of the same code gives again (no point retrying unchanged code). */
export const DETERMINISTIC_ERRORS: ReadonlySet<string> = new Set([
  'ERR_SYNTAX',
  'ERR_MISSING_EXPORT',
  'ERR_INVALID_DEFINITION',
  'ERR_EXPERIMENT_THROW',
]);

/** Errors only a module exporting `experiment` or `run` can get: such a module is an experiment, broken. */
const EXPERIMENT_ONLY = new Set(['ERR_MISSING_EXPORT', 'ERR_INVALID_DEFINITION', 'ERR_EXPERIMENT_THROW']);

/** What decides whether a module that fails to load is listed. */
export interface ListingHints {
  /** Its text declares an `experiment` or `run` export. */
  readsLikeExperiment: boolean;
  /** Another local module imports it (a helper, then). */
  imported: boolean;
}

/** Applies `result` (loaded from code with `codeHash`) to `record`, in place. */
export function applyLoadResult(record: FileRecord, result: LoadResult, codeHash: string | null, hints: ListingHints): void {
  const wasListed = record.listed;
  const wasKind = record.kind;
  record.codeHash = codeHash;
  if (result.kind === 'experiment') {
    Object.assign(record, { kind: 'experiment', listed: true, definition: result.definition, error: undefined });
  } else if (result.kind === 'helper' && wasListed && !hints.imported) {
    // A listed experiment saved without its exports (a slip in the editor, most likely)
    // stays listed, broken, so it can be fixed where it is; a restart forgets it.
    const error = { code: 'ERR_MISSING_EXPORT' as const, file: record.rel, message: 'exports neither experiment() nor run() any more: add them back (export function experiment() { … } and export async function run(ctx) { … })' };
    Object.assign(record, { kind: 'error', listed: true, error });
  } else if (result.kind === 'helper') {
    Object.assign(record, { kind: 'helper', listed: false, definition: undefined, error: undefined });
  } else {
    const listed =
      EXPERIMENT_ONLY.has(result.error.code) ||
      wasListed ||
      (wasKind === 'pending' && hints.readsLikeExperiment && !hints.imported);
    Object.assign(record, { kind: 'error', listed, error: result.error });
  }
}

/** True when a module with this record and an unchanged code hash needs no reload. */
export function isUpToDate(record: FileRecord, codeHash: string | null): boolean {
  if (record.kind === 'pending' || record.codeHash !== codeHash) return false;
  return record.kind !== 'error' || DETERMINISTIC_ERRORS.has(record.error!.code);
}
