/**
 * The lock file that keeps a PGlite folder to one process. PGlite has no lock of its own
 * between processes: two processes opening one folder both write to it and corrupt it.
 *
 * Design: `DIR/athanor.lock` holds `{pid, hostname, startedAt}` as JSON. It is created
 * whole and atomically: the content goes to a private temporary file first, which is then
 * hard-linked to the lock's name (`link` fails with EEXIST when the lock exists, like
 * `open(…, 'wx')`, but no reader ever sees a half-written lock). A lock whose pid is no
 * longer alive on this host (or now names a process started after the lock was written,
 * a reused pid) is stale and taken over; a lock from another host cannot be checked and
 * is respected. Taking over renames the stale file aside and checks it was
 * the stale one, so two processes racing for one stale lock cannot both win. The lock is
 * released on close, and on process exit if the process forgets to close.
 *
 * A workbench serving the folder adds its address to its lock ({@link advertiseWorkbench}):
 * `{…, workbench: {url, token?, experimentsDir}}`, so that commands run beside it
 * (`athanor run`) can hand it their work over HTTP instead of failing. The token makes the
 * file a secret: it is written 0600, and replaced whole (a private file renamed over it).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DatabaseLockedError, type LockOwner } from '../storage-errors.ts';

/** The lock file's name inside a PGlite folder. */
export const LOCK_FILE_NAME = 'athanor.lock';

/** Where the workbench holding a folder answers, as its lock file says. */
export interface WorkbenchAddress {
  /** The origin to call its HTTP API at (`http://127.0.0.1:4000`). */
  url: string;
  /** Its access token, when it requires one. */
  token?: string;
  /** The experiments folder it serves (absolute). */
  experimentsDir: string;
}

/** What a folder's lock file says (see {@link readDirectoryLock}). */
export interface LockState {
  readonly file: string;
  readonly owner: LockOwner;
  /** Whether the owner may still be running (always true for another host's: it cannot be checked). */
  readonly alive: boolean;
  /** Set when the owner is a workbench that advertised its address. */
  readonly workbench?: WorkbenchAddress;
}

/** A held lock on a folder. */
export interface DirectoryLock {
  /** Path of the lock file. */
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

const suffix = () => `${process.pid}-${randomBytes(4).toString('hex')}`;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Lock files are private: one may hold a workbench's access token. */
const LOCK_MODE = 0o600;

/** Creates `file` with `content` unless it exists; false when it does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${suffix()}.tmp`;
  await writeFile(temporary, content, { flag: 'wx', mode: LOCK_MODE });
  try {
    await link(temporary, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // A filesystem without hard links: fall back to an exclusive create.
    if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'ENOTSUP') throw error;
    try {
      await writeFile(file, content, { flag: 'wx', mode: LOCK_MODE });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

type LockContent =
  | { owner: LockOwner; workbench?: WorkbenchAddress; text: string }
  | { owner: undefined; workbench?: undefined; text: string }
  | undefined;

function parseAddress(value: unknown): WorkbenchAddress | undefined {
  const { url, token, experimentsDir } = (value ?? {}) as Partial<WorkbenchAddress>;
  if (typeof url !== 'string' || typeof experimentsDir !== 'string' || (token !== undefined && typeof token !== 'string')) return undefined;
  return { url, experimentsDir, ...(token === undefined ? {} : { token }) };
}

/** The lock's content: its owner, or no owner when unreadable; undefined when gone. */
async function readLock(file: string): Promise<LockContent> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner> & { workbench?: unknown };
    if (Number.isInteger(value.pid) && typeof value.hostname === 'string' && typeof value.startedAt === 'string') {
      const workbench = parseAddress(value.workbench);
      return { owner: { pid: value.pid!, hostname: value.hostname, startedAt: value.startedAt }, ...(workbench ? { workbench } : {}), text };
    }
  } catch {
    // fall through: not ours, or written by hand
  }
  return { owner: undefined, text };
}

/**
 * Lock files this process holds, with their current text (a pid can repeat across
 * restarts, e.g. in a container; the text changes when a workbench advertises itself).
 */
const heldByThisProcess = new Map<string, { text: string }>();

/**
 * When process `pid` started (ms since the epoch), from `/proc` on Linux; undefined
 * elsewhere or when unknown. Accurate to about a second (the boot time's resolution).
 */
function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) comes after the `(comm)` field.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return undefined;
    return bootSeconds * 1000 + (ticks / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * Whether the owner may still be running: unknowable (so assumed) on another host. On
 * this host its pid must be alive and, where `/proc` tells, must have started before the
 * lock was written (else the pid was reused by another process).
 */
function isOwnerAlive(owner: LockOwner, file: string): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return heldByThisProcess.has(file);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if (errorCode(error) !== 'EPERM') return false;
  }
  const started = processStartTime(owner.pid);
  const locked = Date.parse(owner.startedAt);
  return started === undefined || Number.isNaN(locked) || started <= locked + 2_000;
}

/** Removes a stale lock if it is still the one judged stale; true when it was. */
async function removeStale(file: string, staleText: string): Promise<boolean> {
  const aside = `${file}.stale-${suffix()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false; // someone else took it over first
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== staleText) {
    // We moved a lock someone took between our read and our rename: put it back.
    await link(aside, file).catch(() => {});
    await unlink(aside).catch(() => {});
    return false;
  }
  await unlink(aside);
  return true;
}

function lockedError(spec: string, file: string, owner: LockOwner): DatabaseLockedError {
  const started = `started ${owner.startedAt}`;
  let message: string;
  if (owner.hostname === hostname() && owner.pid === process.pid) {
    message = `${spec} is already open in this process (pid ${owner.pid}, ${started}); close it first or choose another --db`;
  } else if (owner.hostname !== hostname()) {
    message =
      `${spec} is in use by process ${owner.pid} on host ${owner.hostname} (${started}); stop it or choose another --db ` +
      `(if that process is gone, delete ${file})`;
  } else {
    message = `${spec} is in use by process ${owner.pid} (${started}); stop it or choose another --db`;
  }
  return new DatabaseLockedError(spec, file, owner, message);
}

/**
 * Takes the lock of folder `dir` (which must exist) for this process, or throws a
 * {@link DatabaseLockedError} naming the live owner. `spec` is how the folder is named in
 * messages (`pglite:.athanor/db`).
 */
export async function acquireDirectoryLock(dir: string, spec: string): Promise<DirectoryLock> {
  const file = join(dir, LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (await createExclusive(file, text)) return heldLock(file, owner, text);
    const current = await readLock(file);
    if (current === undefined) continue; // released meanwhile: try again
    if (current.owner === undefined) {
      // Unreadable: give a writer using the `wx` fallback a moment, then call it stale.
      const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
      if (age < 2_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
    } else if (isOwnerAlive(current.owner, file)) {
      throw lockedError(spec, file, current.owner);
    }
    await removeStale(file, current.text);
  }
  throw new Error(`could not take the lock ${file}: it kept changing hands; try again`);
}

function heldLock(file: string, owner: LockOwner, text: string): DirectoryLock {
  let held = true;
  const state = { text };
  heldByThisProcess.set(file, state);
  // A process that exits without closing leaves no lock behind (a crash leaves a stale one).
  const releaseOnExit = () => {
    try {
      if (readFileSync(file, 'utf8') === state.text) unlinkSync(file);
    } catch {
      // gone already
    }
  };
  process.once('exit', releaseOnExit);
  return Object.freeze({
    file,
    owner: Object.freeze(owner),
    async release() {
      if (!held) return;
      held = false;
      heldByThisProcess.delete(file);
      process.removeListener('exit', releaseOnExit);
      const current = await readLock(file);
      if (current?.text === state.text) await unlink(file).catch(() => {});
    },
  });
}

/**
 * Adds the address of the workbench serving folder `dir` to the lock this process holds
 * on it, so that commands run beside it can reach it (see `athanor run`). Throws when this
 * process does not hold the lock.
 *
 * @example
 * await advertiseWorkbench('.athanor/db', { url: 'http://127.0.0.1:4000', experimentsDir: '/home/me/lab/experiments' });
 */
export async function advertiseWorkbench(dir: string, address: WorkbenchAddress): Promise<void> {
  const file = join(dir, LOCK_FILE_NAME);
  const state = heldByThisProcess.get(file);
  const current = await readLock(file);
  if (!state || current?.text !== state.text || !current.owner) throw new Error(`${file} is not held by this process: cannot advertise the workbench in it`);
  const text = `${JSON.stringify({ ...current.owner, workbench: address })}\n`;
  const temporary = `${file}.${suffix()}.tmp`;
  await writeFile(temporary, text, { flag: 'wx', mode: LOCK_MODE });
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  state.text = text;
}

/**
 * What the lock file of folder `dir` says — its owner, whether the owner may be running,
 * and the address of the workbench it advertised — or undefined when nothing holds it.
 */
export async function readDirectoryLock(dir: string): Promise<LockState | undefined> {
  const file = join(dir, LOCK_FILE_NAME);
  const current = await readLock(file);
  if (!current?.owner) return undefined;
  const alive = isOwnerAlive(current.owner, file);
  return { file, owner: current.owner, alive, ...(current.workbench ? { workbench: current.workbench } : {}) };
}
