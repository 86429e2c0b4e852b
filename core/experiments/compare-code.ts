/**
 * The code part of a comparison: each run's code hash and, for each run whose code differs
 * from the baseline's, a unified diff per file of its snapshot against the baseline's
 * (the `diff` package's `createTwoFilesPatch`). Snapshots are read once per hash, and runs
 * sharing a hash share its diff.
 */
import { NotFoundError } from '../errors.ts';
import type { CodeSnapshot, Comparison, SnapshotFile } from '../records.ts';
import { getCodeSnapshot } from './run-code.ts';
import type { ServiceContext } from './service-context.ts';

type FileDiff = Comparison['code']['diffs'][number]['files'][number];

type CreatePatch = typeof import('diff').createTwoFilesPatch;

/** The `diff` package, loaded by the first comparison that shows a diff, not by every command that opens a workbench (~20 modules). */
let diffPackage: Promise<typeof import('diff')> | undefined;

/** A file's text for a diff: its source, or a line saying why it was not kept. */
const textOf = (file: SnapshotFile) => file.source ?? `(source not kept: ${file.omitted ?? 'over the size bound'})\n`;

/** The files that differ between two snapshots, in the baseline's order, then the added ones. */
function diffSnapshots(from: CodeSnapshot, to: CodeSnapshot, createTwoFilesPatch: CreatePatch): FileDiff[] {
  const before = new Map(from.files.map((file) => [file.path, file]));
  const after = new Map(to.files.map((file) => [file.path, file]));
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  const label = (hash: string) => `code ${hash.slice(0, 12)}`;
  return paths.flatMap((path): FileDiff[] => {
    const old = before.get(path);
    const now = after.get(path);
    const change = !old ? 'added' : !now ? 'removed' : textOf(old) === textOf(now) ? undefined : 'changed';
    if (!change) return [];
    const diff = createTwoFilesPatch(
      old ? `a/${path}` : '/dev/null',
      now ? `b/${path}` : '/dev/null',
      old ? textOf(old) : '',
      now ? textOf(now) : '',
      label(from.hash),
      label(to.hash),
    );
    return [{ path, change, diff }];
  });
}

/** The code of the compared runs: hashes, whether they are all the same, and the diffs against the baseline's. */
export async function compareCode(context: ServiceContext, runs: readonly { id: string; codeHash: string | null }[], baseline: number): Promise<Comparison['code']> {
  const hashes = runs.map((run) => run.codeHash);
  const same = new Set(hashes.filter((hash) => hash !== null)).size <= 1;
  const from = hashes[baseline];
  if (same || !from) return { hashes, same, diffs: [] };
  const snapshots = new Map<string, Promise<CodeSnapshot | undefined>>();
  // A run from before runs kept their code has none to show: it is left out of the diffs.
  const snapshot = (hash: string) => {
    if (!snapshots.has(hash)) snapshots.set(hash, getCodeSnapshot(context, hash).catch((error) => (error instanceof NotFoundError ? undefined : Promise.reject(error))));
    return snapshots.get(hash)!;
  };
  const base = await snapshot(from);
  if (!base) return { hashes, same, diffs: [] };
  const byHash = new Map<string, FileDiff[]>();
  const diffs: Comparison['code']['diffs'] = [];
  for (const run of runs) {
    const to = run.codeHash;
    if (!to || to === from) continue;
    if (!byHash.has(to)) {
      const other = await snapshot(to);
      if (!other) continue;
      const { createTwoFilesPatch } = await (diffPackage ??= import('diff'));
      byHash.set(to, diffSnapshots(base, other, createTwoFilesPatch));
    }
    diffs.push({ run: run.id, from, to, files: byHash.get(to)! });
  }
  return { hashes, same, diffs };
}
