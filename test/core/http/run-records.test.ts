/**
 * Issue 13: a run keeps what it ran with — its configuration, its code and its environment —
 * whatever happens to the instance and the file afterwards, and can run that again.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rm } from 'node:fs/promises';
import { createInProcessDispatcher } from '../../../core/testing/in-process-dispatcher.ts';
import { createWorkbench } from '../../../core/workbench.ts';
import { tempExperimentsDir, withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { requirePostgresUrl } from '../../helpers/databases.ts';
import { createScratchDatabase } from '../../helpers/run-pool.ts';

const records = suite('run records: what a run ran with is kept');

const FILE = 'my_experiment.ts';

async function runToEnd({ api, workbench }: ServerContext, instanceId: string): Promise<any> {
  const started = await api('POST', `/api/instances/${instanceId}/runs`, {});
  assert.is(started.status, 201, JSON.stringify(started.body));
  await workbench.experiments.waitForRun(started.body.id);
  return (await api('GET', `/api/runs/${started.body.id}`)).body;
}

async function logsOf({ api }: ServerContext, runId: string): Promise<string[]> {
  return (await api('GET', `/api/runs/${runId}/logs?limit=1000`)).body.items.map((entry: { message: string }) => entry.message);
}

records('a run keeps its configuration, code and environment after the instance and the file change', async () => {
  await withServer(async (context) => {
    const { api, workbench } = context;
    const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'kept', configuration: { iterations: 3 } });
    const run = await runToEnd(context, created.body.id);
    assert.is(run.status, 'completed');
    assert.equal(run.configuration, { iterations: 3 });
    assert.is(run.configurationInferred, false);
    assert.is(run.code.hash, run.codeHash);
    assert.equal(run.code.files, [FILE]);
    assert.is(run.code.entry, FILE);
    assert.is(run.environment.node, process.version);
    assert.match(run.environment.athanor, /^\d+\.\d+\.\d+/);
    assert.is(run.environment.platform, process.platform);
    assert.ok(run.environment.host);
    const original = await readFile(join(workbench.experimentsDir, FILE), 'utf8');

    // The instance and the file change afterwards.
    assert.is((await api('PATCH', `/api/instances/${created.body.id}`, { configuration: { iterations: 6 } })).status, 200);
    await writeFile(join(workbench.experimentsDir, FILE), original.replace('`Running iteration ${i}`', '`Step ${i}`'));

    const later = (await api('GET', `/api/runs/${run.id}`)).body;
    assert.equal(later.configuration, { iterations: 3 }, 'an edit of the instance changes future runs only');
    const source = (await api('GET', `/api/runs/${run.id}/source`)).body;
    assert.is(source.hash, run.codeHash);
    assert.equal(source.files.map((file: { path: string }) => file.path), [FILE]);
    assert.is(source.files[0].source, original, 'the code as it ran, not as the file is now');
    assert.equal((await api('GET', `/api/code/${run.codeHash}`)).body, source);
  });
});

records('rerun with the kept code runs exactly what ran, with the configuration it ran with; current runs the file now', async () => {
  await withServer(async (context) => {
    const { api, workbench } = context;
    const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'again', configuration: { iterations: 2 } });
    const first = await runToEnd(context, created.body.id);
    const original = await readFile(join(workbench.experimentsDir, FILE), 'utf8');
    await api('PATCH', `/api/instances/${created.body.id}`, { configuration: { iterations: 5 } });
    await writeFile(join(workbench.experimentsDir, FILE), original.replace('`Running iteration ${i}`', '`Step ${i}`'));
    // Wait for the reload, so "current" means the new file.
    for (let i = 0; i < 100 && (await workbench.registry.resolveForRun('my_experiment')).codeHash === first.codeHash; i++) await new Promise((r) => setTimeout(r, 50));

    const kept = await api('POST', `/api/runs/${first.id}/rerun`, { code: 'snapshot' });
    assert.is(kept.status, 201, JSON.stringify(kept.body));
    await workbench.experiments.waitForRun(kept.body.id);
    const keptRun = (await api('GET', `/api/runs/${kept.body.id}`)).body;
    assert.is(keptRun.status, 'completed', keptRun.error);
    assert.is(keptRun.rerunOf, first.id);
    assert.is(keptRun.codeHash, first.codeHash);
    assert.equal(keptRun.configuration, { iterations: 2 });
    assert.equal((await logsOf(context, keptRun.id)).filter((m) => !m.startsWith('mode')), ['Running iteration 1', 'Running iteration 2']);

    const current = await api('POST', `/api/runs/${first.id}/rerun`, {});
    assert.is(current.status, 201);
    await workbench.experiments.waitForRun(current.body.id);
    const currentRun = (await api('GET', `/api/runs/${current.body.id}`)).body;
    assert.is.not(currentRun.codeHash, first.codeHash);
    assert.equal(currentRun.configuration, { iterations: 2 }, 'a rerun takes the configuration the run ran with');
    assert.equal(await logsOf(context, currentRun.id), ['Step 1', 'Step 2']);

    // A new run of the instance takes the instance's configuration now.
    const fresh = await runToEnd(context, created.body.id);
    assert.equal(fresh.configuration, { iterations: 5 });
  });
});

records('a field added to the experiment reaches a new run with its default, and the run records it', async () => {
  await withServer(async (context) => {
    const { api, workbench } = context;
    const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'grown', configuration: { iterations: 1 } });
    const before = await runToEnd(context, created.body.id);
    const file = join(workbench.experimentsDir, FILE);
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(".field('iterations', 'integer', {", ".field('label', 'string', { default: 'plain' })\n    .field('iterations', 'integer', {"));
    for (let i = 0; i < 100 && !JSON.stringify(workbench.registry.get('my_experiment')?.schema ?? {}).includes('label'); i++) await new Promise((r) => setTimeout(r, 50));
    const after = await runToEnd(context, created.body.id);
    assert.equal(after.configuration, { label: 'plain', iterations: 1 });
    assert.equal((await api('GET', `/api/runs/${before.id}`)).body.configuration, { iterations: 1 }, 'the older run keeps what it ran with');
  }, { workbench: { watch: true } }); // files changed on disk: the watcher reloads them
});

records('bad rerun requests and unknown code are refused, naming what was wrong', async () => {
  await withServer(async (context) => {
    const { api } = context;
    const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'bad', configuration: { iterations: 1 } });
    const run = await runToEnd(context, created.body.id);
    const wrong = await api('POST', `/api/runs/${run.id}/rerun`, { code: 'yesterday' });
    assert.is(wrong.status, 400);
    assert.match(wrong.body.error, 'code must be "current" or "snapshot", got "yesterday"');
    const extra = await api('POST', `/api/runs/${run.id}/rerun`, { code: 'snapshot', force: true });
    assert.is(extra.status, 400);
    assert.match(extra.body.error, 'unknown field force');
    assert.is((await api('GET', '/api/code/not-a-hash')).status, 404);
    const missing = await api('GET', `/api/code/${'0'.repeat(64)}`);
    assert.is(missing.status, 404);
    assert.match(missing.body.error, 'not found');
    const runs = (await api('GET', `/api/instances/${created.body.id}/runs`)).body.items;
    assert.is(runs.length, 1, 'nothing was started');
  });
});

/** A run in a git repository, clean and then with its file edited: its commit, branch, dirty flag and diff. */
async function gitRecords(context: ServerContext): Promise<void> {
  const { api, workbench } = context;
  const dir = workbench.experimentsDir;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'lab');
  git('add', FILE, 'kernel_fixture.ts');
  git('commit', '-q', '-m', 'first');
  const commit = git('rev-parse', 'HEAD');
  const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'git', configuration: { iterations: 1 } });
  const clean = await runToEnd(context, created.body.id);
  assert.equal(clean.environment.git, { commit, branch: 'lab', dirty: false });

  const original = await readFile(join(dir, FILE), 'utf8');
  await writeFile(join(dir, FILE), original.replace('`Running iteration ${i}`', '`Edited ${i}`'));
  for (let i = 0; i < 100 && (await workbench.registry.resolveForRun('my_experiment')).codeHash === clean.codeHash; i++) await new Promise((r) => setTimeout(r, 50));
  const dirty = await runToEnd(context, created.body.id);
  assert.is(dirty.environment.git.dirty, true);
  assert.is(dirty.environment.git.commit, commit);
  assert.match(dirty.environment.git.diff, '+    Runtime.log(ctx, \'info\', `Edited ${i}`);');
  assert.match(dirty.environment.git.diff, '-    Runtime.log(ctx, \'info\', `Running iteration ${i}`);');
}

records('in a git repository a run records the commit, the branch, and a diff when its files differ from it', () => withServer(gitRecords));

const postgresUrl = requirePostgresUrl('run records: the git state of a queued run');

records('queued to the run pool (Postgres, --runs both), a run records the git state of its files where it was queued, not the worker\'s checkout', async () => {
  if (!postgresUrl) return;
  const scratch = await createScratchDatabase(postgresUrl, 'athanor_records');
  try {
    // The run executes its kept code in this process, whose folder (the package's checkout) is another repository.
    await withServer(gitRecords, { workbench: { database: scratch.url, runs: 'both' } });
  } finally {
    await scratch.drop();
  }
});

records('on a workbench that is a worker too (Postgres, --runs both), code no worker can be sent (a helper over 1 MiB) runs here', async () => {
  if (!postgresUrl) return;
  const scratch = await createScratchDatabase(postgresUrl, 'athanor_records');
  try {
    await withServer(async (context) => {
      const { api, workbench } = context;
      const dir = workbench.experimentsDir;
      await writeFile(join(dir, 'big-data.ts'), `export const rows = ${JSON.stringify('x'.repeat(1_300_000))}.length;\n`);
      const source = await readFile(join(dir, FILE), 'utf8');
      await writeFile(join(dir, FILE), `import { rows } from './big-data.ts';\n${source.replace('`Running iteration ${i}`', '`rows ${rows}`')}`);
      const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'big', configuration: { iterations: 1 } });
      const run = await runToEnd(context, created.body.id);
      assert.is(run.status, 'completed', run.error);
      assert.equal(await logsOf(context, run.id), ['rows 1300000']);
      assert.match(run.code.note, 'big-data.ts'); // kept by path and size, as the README says
    }, { workbench: { database: scratch.url, runs: 'both', watch: true } });
  } finally {
    await scratch.drop();
  }
});

// 100 runs through the whole start path (1,000 stores on each backend: the service conformance suite).
records('100 runs of unchanged code keep exactly one snapshot', async () => {
  const experimentsDir = await tempExperimentsDir();
  const workbench = await createWorkbench({ experimentsDir, database: 'memory', watch: false, runDispatcher: createInProcessDispatcher(), supervisor: { concurrency: 8 } });
  try {
    const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'many', configuration: { iterations: 1 } });
    const runs = await Promise.all(Array.from({ length: 100 }, async () => {
      const run = await workbench.experiments.createRun(instance.id);
      await workbench.experiments.startRun(run.id);
      return workbench.experiments.waitForRun(run.id);
    }));
    assert.ok(runs.every((run) => run.status === 'completed' && run.codeHash === runs[0]!.codeHash));
    const stored = await workbench.database.db.selectFrom('code_snapshots').select('hash').execute();
    assert.equal(stored, [{ hash: runs[0]!.codeHash! }]);
  } finally {
    await workbench.close();
    await rm(experimentsDir, { recursive: true, force: true });
  }
});

records.run();
