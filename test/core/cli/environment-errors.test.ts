import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EnvironmentError, explainDatabaseError, listeningOn } from '../../../core/cli/environment-error.ts';
import { MigrationError } from '../../../storage/storage-errors.ts';
import { createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { startWorkbenchProcess, runAthanor } from '../../helpers/workbench-process.ts';

const STACK_LINE = /^\s+at /m;

const cli = suite('athanor: a held database or port is exit 2 with one line, no stack');
let project: TempProject;
let experimentsDir: string;
let dataDir: string;

cli.before.each(async () => {
  project = await tempProject('athanor-env-experiments-');
  experimentsDir = project.experimentsDir;
  dataDir = await mkdtemp(join(tmpdir(), 'athanor-env-'));
});
cli.after.each(async () => {
  await project.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const athanor = (args: string[]) => runAthanor([...args, '--experiments', experimentsDir]);

cli('while `athanor dev` holds the pglite folder, migrate says which workbench holds it, and that it migrated it (run hands it the run)', async () => {
  const db = `pglite:${join(dataDir, 'db')}`;
  const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', db]);
  try {
    const result = await athanor(['migrate', '--db', db]);
    assert.is(result.code, 2, result.stderr);
    assert.is(
      result.stderr,
      `athanor: cannot migrate ${db}: the workbench at ${workbench.url} (process ${workbench.child.pid}) holds it, ` +
        'and migrated it when it started. Stop it to migrate from here.\n',
    );
  } finally {
    workbench.child.kill('SIGTERM');
    await workbench.exited;
  }
});

const postgresUrl = requirePostgresUrl('athanor migrate: passwords');

cli('athanor migrate never prints the password of the database it migrated', async () => {
  if (!postgresUrl) return;
  const scratch = await createScratchSchema(postgresUrl);
  try {
    const url = new URL(scratch.url);
    url.password = 'hunter2'; // the test server trusts local logins, whatever the password
    const result = await athanor(['migrate', '--db', url.toString()]);
    assert.is(result.code, 0, result.stderr);
    assert.not.match(result.stdout + result.stderr, 'hunter2');
    assert.match(result.stdout, ':***@');
  } finally {
    await scratch.drop();
  }
});

cli('a port in use: `athanor dev` names the address and suggests --port 0', async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    const result = await athanor(['dev', '--port', String(port), '--db', 'memory']);
    assert.is(result.code, 2, result.stderr);
    assert.is(result.stderr, `athanor: cannot listen on 127.0.0.1:${port}: the port is in use (pass --port 0 for a free one)\n`);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});

cli('an unreachable Postgres server and a pglite path that is a file are exit 2, one line each', async () => {
  const refused = await athanor(['run', 'my_experiment', '--db', 'postgres://nobody@127.0.0.1:1/x']);
  assert.is(refused.code, 2, refused.stderr);
  assert.is(refused.stderr, 'athanor: cannot open postgres://nobody@127.0.0.1:1/x: connection refused\n');
  const migrate = await athanor(['migrate', '--db', 'postgres://nobody:secret@127.0.0.1:1/x']);
  assert.is(migrate.code, 2, migrate.stderr);
  assert.is(migrate.stderr, 'athanor: cannot open postgres://nobody:***@127.0.0.1:1/x: connection refused\n');
  const file = join(dataDir, 'file');
  await writeFile(file, 'not a folder');
  const notAFolder = await athanor(['run', 'my_experiment', '--db', `pglite:${file}`]);
  assert.is(notAFolder.code, 2, notAFolder.stderr);
  assert.match(notAFolder.stderr, `athanor: cannot open pglite:${file}: ${file} exists and is not a folder`);
  assert.not.match(notAFolder.stderr, STACK_LINE);
});

cli('a database spec that names none, and a folder that cannot be created, are exit 2 at once: run, dev and init hung', async () => {
  // The run's host started before the spec was read, and kept the command waiting.
  const unknown = await runAthanor(['run', 'my_experiment', '--db', 'foo', '--experiments', experimentsDir], { timeoutMs: 20_000 });
  assert.is(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, 'athanor: unknown database "foo"');
  // Node's recursive mkdir spins forever on a path whose parent takes no folders (/proc/x).
  for (const command of [['run', 'my_experiment'], ['dev', '--port', '0']]) {
    const result = await runAthanor([...command, '--db', 'pglite:/proc/x/db', '--experiments', experimentsDir], { timeoutMs: 20_000 });
    assert.is(result.code, 2, `${command[0]}: ${result.stderr}`);
    assert.is(result.stderr, 'athanor: cannot open pglite:/proc/x/db: /proc/x cannot be created there (name a folder you can write, or pass --db memory)\n');
  }
  const init = await runAthanor(['init', '/proc/x/lab'], { timeoutMs: 20_000 });
  assert.is(init.code, 2, init.stderr);
  assert.match(init.stderr, "athanor: cannot create /proc/x/lab: ENOENT: no such file or directory, mkdir '/proc/x'; name a folder you can write");
  assert.not.match(init.stderr, STACK_LINE);
});

cli.run();

const explain = suite('environment errors: only those the user can fix');

explain('an unexpected error stays as thrown, so a crash keeps its stack', async () => {
  const bug = new MigrationError('migration 0002 failed: syntax error', { applied: [], cause: Object.assign(new Error('syntax error'), { code: '42601', severity: 'ERROR' }) });
  assert.is(explainDatabaseError(bug, 'postgres://u@127.0.0.1/x'), undefined);
  const elsewhere = Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/somewhere/else' });
  assert.is(explainDatabaseError(new Error('x', { cause: elsewhere }), 'pglite:/data/db'), undefined);
  const other = new TypeError('boom');
  const thrown = await listeningOn('127.0.0.1', 4000, () => Promise.reject(other)).catch((error: unknown) => error);
  assert.is(thrown, other);
});

explain('a refused login names the server; the password is never shown', () => {
  const cause = Object.assign(new Error('password authentication failed for user "u"'), { code: '28P01', severity: 'FATAL' });
  const error = explainDatabaseError(new MigrationError('migrating failed', { applied: [], cause }), 'postgres://u:pw@db.example.com/x');
  assert.instance(error, EnvironmentError);
  assert.is(error?.message, 'cannot open postgres://u:***@db.example.com/x: password authentication failed for user "u"');
});

explain.run();
