/**
 * Which workbench on this machine holds a PGlite folder, from the folder's lock file (where
 * `athanor dev` writes its address): what `run`, `sweep` and `mcp` hand their work to, and
 * what `migrate` names when it cannot write the folder. Small on purpose: `migrate` loads it
 * without the handoff's HTTP client.
 */
import { hostname } from 'node:os';
import { readDirectoryLock, type LockState } from '../../storage/backends/pglite-lock.ts';
import { parseDatabaseSpec } from '../../storage/database-spec.ts';

/** A lock that names the workbench holding the folder. */
export type WorkbenchLock = LockState & { workbench: NonNullable<LockState['workbench']> };

/**
 * The lock of database `spec` (a `pglite:` folder) when a live workbench on this machine holds
 * it and advertised its address; undefined otherwise (a free folder, another kind of database,
 * a spec that does not parse: opening it says what is wrong).
 */
export async function workbenchLock(spec: string): Promise<WorkbenchLock | undefined> {
  let parsed: ReturnType<typeof parseDatabaseSpec>;
  try {
    parsed = parseDatabaseSpec(spec);
  } catch {
    return undefined;
  }
  if (parsed.kind !== 'pglite') return undefined;
  const lock = await readDirectoryLock(parsed.dir).catch(() => undefined);
  if (!lock?.alive || !lock.workbench || lock.owner.hostname !== hostname()) return undefined;
  return lock as WorkbenchLock;
}
