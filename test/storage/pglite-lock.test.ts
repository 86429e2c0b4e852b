/**
 * A PGlite folder belongs to one process at a time: the lock file refuses a live second
 * owner (named in the error), takes over from a dead one, and goes away on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireDirectoryLock, advertiseWorkbench, LOCK_FILE_NAME, readDirectoryLock } from '../../storage/backends/pglite-lock.ts';
import { openDatabase } from '../../storage/open-database.ts';
import { DatabaseLockedError } from '../../storage/storage-errors.ts';
import { createPgliteFolder } from '../helpers/databases.ts';

const OWNER_SCRIPT = fileURLToPath(new URL('../fixtures/storage/pglite-owner.ts', import.meta.url));

interface Owner {
  child: ChildProcess;
  /** The next JSON line the child prints. */
  next(): Promise<Record<string, unknown>>;
}

const children = new Set<ChildProcess>();

function startOwner(mode: 'hold' | 'try', dir: string): Owner {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER_SCRIPT, mode, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the ${mode} process ended without a message`);
      return JSON.parse(value) as Record<string, unknown>;
    },
  };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  return child.pid!;
}

const lockFile = (dir: string) => join(dir, LOCK_FILE_NAME);

async function rejectsLocked(promise: Promise<unknown>): Promise<DatabaseLockedError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, DatabaseLockedError, String(error));
    return error as DatabaseLockedError;
  }
  return assert.unreachable('the folder was opened twice') as never;
}

const test = suite('pglite lock');
let folder: { dir: string; remove(): Promise<void> };
let spec: string;

test.before(async () => {
  folder = await createPgliteFolder();
  spec = `pglite:${folder.dir}`;
});

test.after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await folder?.remove();
});

test('a second live process is refused, with the owner named', async () => {
  const owner = startOwner('hold', folder.dir);
  assert.equal(await owner.next(), { ready: owner.child.pid });

  const error = await rejectsLocked(openDatabase(spec));
  assert.is(error.code, 'ERR_DATABASE_LOCKED');
  assert.is(error.owner.pid, owner.child.pid);
  assert.is(error.lockFile, lockFile(folder.dir));
  assert.match(error.message, new RegExp(`^${spec} is in use by process ${owner.child.pid} \\(started [0-9T:.Z-]+\\); stop it or choose another --db$`));

  owner.child.stdin!.write('close\n');
  assert.equal(await owner.next(), { closed: true });
  await exited(owner.child);
  await using database = await openDatabase(spec);
  const names = await database.db.selectFrom('instances').select('name').execute();
  assert.equal(names, [{ name: `held by ${owner.child.pid}` }]);
});

test('a child process is refused while this one holds the folder', async () => {
  const database = await openDatabase(spec);
  try {
    const other = startOwner('try', folder.dir);
    const message = await other.next();
    assert.is(message.code, 'ERR_DATABASE_LOCKED');
    assert.match(String(message.error), new RegExp(`is in use by process ${process.pid} `));
    await exited(other.child);
  } finally {
    await database.close();
  }
});

test('the lock is held while open, refused to this process too, and released on close', async () => {
  const database = await openDatabase(spec);
  const content = JSON.parse(await readFile(lockFile(folder.dir), 'utf8'));
  assert.equal(Object.keys(content).sort(), ['hostname', 'pid', 'startedAt']);
  assert.is(content.pid, process.pid);
  assert.is(content.hostname, hostname());
  const error = await rejectsLocked(openDatabase(spec));
  assert.match(error.message, /is already open in this process/);
  await database.close();
  assert.not.ok(existsSync(lockFile(folder.dir)), 'the lock file is left behind');
});

test('a process killed without closing leaves a stale lock that the next open takes over, rows kept', async () => {
  const owner = startOwner('hold', folder.dir);
  const { ready } = await owner.next();
  owner.child.kill('SIGKILL');
  await exited(owner.child);
  assert.is(JSON.parse(await readFile(lockFile(folder.dir), 'utf8')).pid, ready);

  await using database = await openDatabase(spec);
  assert.is(JSON.parse(await readFile(lockFile(folder.dir), 'utf8')).pid, process.pid);
  const names = await database.db.selectFrom('instances').select('name').where('name', '=', `held by ${ready}`).execute();
  assert.is(names.length, 1);
});

test('a lock naming a dead pid on this host is taken over', async () => {
  const pid = await deadPid();
  await writeFile(lockFile(folder.dir), JSON.stringify({ pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
  const lock = await acquireDirectoryLock(folder.dir, spec);
  assert.is(lock.owner.pid, process.pid);
  assert.is(JSON.parse(await readFile(lock.file, 'utf8')).pid, process.pid);
  await lock.release();
  await lock.release();
  assert.not.ok(existsSync(lock.file), 'the lock file is left behind');
});

test('a lock naming a reused pid (a live process started after the lock) is taken over', async () => {
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  children.add(sleeper);
  try {
    await writeFile(lockFile(folder.dir), JSON.stringify({ pid: sleeper.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
    const lock = await acquireDirectoryLock(folder.dir, spec);
    assert.is(lock.owner.pid, process.pid);
    await lock.release();
  } finally {
    sleeper.kill('SIGKILL');
  }
});

test('a lock naming this pid that this process does not hold (a restarted container) is taken over', async () => {
  await writeFile(lockFile(folder.dir), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
  const lock = await acquireDirectoryLock(folder.dir, spec);
  assert.is(JSON.parse(await readFile(lock.file, 'utf8')).startedAt, lock.owner.startedAt);
  await lock.release();
});

test('a lock from another host is respected, with a way out', async () => {
  const owner = { pid: 4242, hostname: 'elsewhere.example', startedAt: '2020-01-01T00:00:00.000Z' };
  await writeFile(lockFile(folder.dir), JSON.stringify(owner));
  try {
    const error = await rejectsLocked(acquireDirectoryLock(folder.dir, spec));
    assert.equal(error.owner, owner);
    assert.match(error.message, /in use by process 4242 on host elsewhere\.example \(started 2020-01-01T00:00:00\.000Z\)/);
    assert.ok(error.message.includes(`delete ${lockFile(folder.dir)}`), error.message);
  } finally {
    await rm(lockFile(folder.dir), { force: true });
  }
});

test('an unreadable lock file is stale once it is a few seconds old', async () => {
  await writeFile(lockFile(folder.dir), 'not json');
  await utimes(lockFile(folder.dir), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const lock = await acquireDirectoryLock(folder.dir, spec);
  assert.is(JSON.parse(await readFile(lock.file, 'utf8')).pid, process.pid);
  await lock.release();
});

test('two takeovers racing for one stale lock: exactly one wins', async () => {
  const pid = await deadPid();
  await writeFile(lockFile(folder.dir), JSON.stringify({ pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
  const outcomes = await Promise.allSettled([acquireDirectoryLock(folder.dir, spec), acquireDirectoryLock(folder.dir, spec)]);
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o) => o.status === 'rejected');
  assert.is(won.length, 1);
  assert.instance(lost[0]?.reason, DatabaseLockedError);
  await won[0]!.value.release();
});

test('a workbench advertises its address in its lock, readable by its user only, and it goes with the lock', async () => {
  const lock = await acquireDirectoryLock(folder.dir, spec);
  try {
    assert.is((await stat(lock.file)).mode & 0o777, 0o600);
    assert.equal(await readDirectoryLock(folder.dir), { file: lock.file, owner: lock.owner, alive: true });
    const address = { url: 'http://127.0.0.1:4123', token: 'secret', experimentsDir: '/lab/experiments' };
    await advertiseWorkbench(folder.dir, address);
    assert.is((await stat(lock.file)).mode & 0o777, 0o600);
    assert.equal(await readDirectoryLock(folder.dir), { file: lock.file, owner: lock.owner, alive: true, workbench: address });
    // Still held: a second open is refused, naming the same owner.
    assert.equal((await rejectsLocked(acquireDirectoryLock(folder.dir, spec))).owner, lock.owner);
  } finally {
    await lock.release();
  }
  assert.not.ok(existsSync(lockFile(folder.dir)), 'the advertised lock is released on close');
  assert.is(await readDirectoryLock(folder.dir), undefined);
});

test('only the process holding a lock may advertise in it; a dead owner reads as not alive', async () => {
  try {
    await advertiseWorkbench(folder.dir, { url: 'http://127.0.0.1:1', experimentsDir: '/x' });
    assert.unreachable('advertised in a lock it does not hold');
  } catch (error) {
    assert.match((error as Error).message, 'is not held by this process');
  }
  const pid = await deadPid();
  await writeFile(lockFile(folder.dir), JSON.stringify({ pid, hostname: hostname(), startedAt: new Date().toISOString(), workbench: { url: 'http://127.0.0.1:1', experimentsDir: '/x' } }));
  try {
    const state = await readDirectoryLock(folder.dir);
    assert.is(state?.alive, false);
    assert.is(state?.workbench?.url, 'http://127.0.0.1:1');
  } finally {
    await rm(lockFile(folder.dir), { force: true });
  }
});

test.run();
