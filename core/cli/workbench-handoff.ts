/**
 * Finds the workbench that holds the embedded database a command was pointed at, so the
 * command can hand it its work over HTTP instead of failing on the folder's lock: `athanor
 * dev` writes its address (and access token) into the pglite folder's lock file, readable
 * by its user only.
 *
 * Design note: the handoff happens only when everything agrees — the lock's owner is a
 * live process on this machine, it advertised an address, it serves the same experiments
 * folder, and that address answers `GET /api/health`. Anything else opens the database as
 * before, whose lock then explains what holds it.
 */
import { resolve } from 'node:path';
import { EnvironmentError } from './environment-error.ts';
import { workbenchLock } from './workbench-lock.ts';
import { WorkbenchClient } from './workbench-client.ts';

/** A workbench on this machine that holds a database and answers. */
export interface HoldingWorkbench {
  /** The database spec it holds, as the command was given it. */
  spec: string;
  pid: number;
  client: WorkbenchClient;
  /** Its access token, when it has one (`athanor mcp` passes it to `/mcp`). */
  token?: string;
}

/** How long the workbench has to answer its health check. */
const HEALTH_TIMEOUT_MS = 5_000;

/**
 * The workbench holding database `spec` (a `pglite:` folder) that can take the command's
 * work, or undefined when the database is free, held by a process that is gone or is no
 * workbench, or held by a workbench that does not answer. Throws an EnvironmentError when
 * the workbench serves another experiments folder than `experimentsDir`: the command would
 * run other code than the user meant.
 */
export async function findHoldingWorkbench(spec: string, experimentsDir: string): Promise<HoldingWorkbench | undefined> {
  const lock = await workbenchLock(spec);
  if (!lock) return undefined;
  const { url, token, experimentsDir: served } = lock.workbench;
  if (resolve(experimentsDir) !== served) {
    throw new EnvironmentError(
      `cannot open ${spec}: the workbench at ${url} (process ${lock.owner.pid}) holds it, and serves the experiments in ${served}, ` +
        `not ${resolve(experimentsDir)}. Run with --experiments ${served}, or pass --db memory (or another folder) to run elsewhere.`,
    );
  }
  const client = new WorkbenchClient(url, token);
  try {
    await client.request('GET', '/api/health', undefined, { timeoutMs: HEALTH_TIMEOUT_MS });
  } catch {
    return undefined;
  }
  return { spec, pid: lock.owner.pid, client, ...(token ? { token } : {}) };
}
