// A database that stops for longer than the bound (issue 12, item 2), on a real `athanor dev`
// process over real Postgres: Postgres is "stopped" by cutting the TCP proxy the workbench
// reaches it through (connections reset, new ones refused). The run fails naming the
// database, API calls that need it answer 503 within a second, /api/health says so, the
// process lives on, and everything recovers by itself when the database is back.
// ATHANOR_OUTAGE_SECONDS sets the outage (default 5 s against a 3 s bound; the issue's 90 s
// against the default 60 s bound: ATHANOR_OUTAGE_SECONDS=90 ATHANOR_OUTAGE_BOUND=60).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { tempProject } from '../../helpers/temp-project.ts';
import { startTcpProxy } from '../../helpers/tcp-proxy.ts';
import { until } from '../../helpers/until.ts';
import { childPids, isAlive, startWorkbenchProcess } from '../../helpers/workbench-process.ts';

const url = requirePostgresUrl('athanor dev: a database that stops');
const OUTAGE_S = Number(process.env.ATHANOR_OUTAGE_SECONDS ?? 5);
const BOUND_S = Number(process.env.ATHANOR_OUTAGE_BOUND ?? 3);

if (url) {
  const test = suite('athanor dev: a database that stops');

  test(`Postgres away ${OUTAGE_S} s (bound ${BOUND_S} s): the run fails naming it, the API answers 503 at once, all recovers`, async () => {
    const schema = await createScratchSchema(url);
    const target = new URL(url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(schema.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const project = await tempProject();
    const { experimentsDir } = project;
    const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', viaProxy.toString(), '--runs', 'local', '--database-outage', String(BOUND_S)]);
    const timed = async (path: string) => {
      const started = performance.now();
      const response = await fetch(workbench.url + path);
      return { status: response.status, body: (await response.json()) as { code: string; error: string }, ms: performance.now() - started };
    };
    try {
      assert.equal((await workbench.api('GET', '/api/health')).database, { status: 'ok' });
      const instance = await workbench.api('POST', '/api/instances', {
        experiment: 'kernel_fixture',
        name: 'long',
        configuration: { mode: 'progress', count: 1_000_000, delay_ms: 2 },
      });
      const run = await workbench.api('POST', `/api/instances/${instance.id}/runs`, {});
      await until(async () => (await workbench.api('GET', `/api/runs/${run.id}/logs`)).items.length > 0, 'the run to log');

      await proxy.stop();
      const stoppedAt = performance.now();
      const answers = [await timed('/api/instances'), await timed(`/api/runs/${run.id}`), await timed(`/api/instances/${instance.id}/runs`)];
      console.log(`    503 answers while away: ${answers.map((a) => `${a.ms.toFixed(0)} ms`).join(', ')}`);
      for (const answer of answers) {
        assert.is(answer.status, 503);
        assert.is(answer.body.code, 'ERR_DATABASE_UNAVAILABLE');
        assert.match(answer.body.error, 'the database is unavailable');
        assert.ok(answer.ms < 1000, `answered in ${answer.ms.toFixed(0)} ms`);
      }
      const health = await workbench.api('GET', '/api/health');
      assert.is(health.database.status, 'unavailable');
      assert.type(health.database.since, 'string');
      // Past the bound the run is stopped and its slot freed, though its row cannot be written yet.
      await until(async () => (await workbench.api('GET', '/api/health')).activeRuns === 0, 'the run to be stopped', (BOUND_S + 20) * 1000);
      const left = OUTAGE_S * 1000 - (performance.now() - stoppedAt);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      assert.is(workbench.child.exitCode, null, `the workbench lives on:\n${workbench.output()}`);
      assert.is((await timed('/api/instances')).status, 503);

      await proxy.start();
      await until(async () => (await workbench.api('GET', '/api/health')).database.status === 'ok', 'the database to be seen back', 10_000);
      const failed = await until(async () => {
        const row = await workbench.api('GET', `/api/runs/${run.id}`);
        return row.status === 'failed' ? row : undefined;
      }, 'the failure recorded once the database is back');
      assert.match(failed.error, `the database was unavailable for more than ${BOUND_S} s`);
      assert.ok((await workbench.api('GET', `/api/runs/${run.id}/logs`)).items.length > 0, 'what was stored before stays');

      const short = await workbench.api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'short', configuration: { mode: 'slow', delay_ms: 10 } });
      const quick = await workbench.api('POST', `/api/instances/${short.id}/runs`, {});
      assert.ok(quick.id, JSON.stringify(quick));
      const ended = await until(async () => {
        const row = await workbench.api('GET', `/api/runs/${quick.id}`);
        return row.status === 'completed' || row.status === 'failed' ? row : undefined;
      }, 'a new run to end', 60_000);
      assert.is(ended.status, 'completed', ended.error ?? '');
      assert.is(workbench.child.exitCode, null);
      assert.not.match(workbench.output(), /Unhandled|uncaught/i);
      assert.match(workbench.output(), 'database: unavailable');
      assert.match(workbench.output(), 'database: back');
    } finally {
      await proxy.start().catch(() => {});
      workbench.child.kill('SIGKILL');
      await workbench.exited;
      await proxy.close();
      await schema.drop();
      await project.remove();
    }
  });

  test('a workbench killed while its run waits for the database leaves no run process behind', async () => {
    const schema = await createScratchSchema(url);
    const target = new URL(url);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(schema.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const project = await tempProject();
    const { experimentsDir } = project;
    const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', viaProxy.toString(), '--runs', 'local']);
    let hosts: number[] = [];
    try {
      const instance = await workbench.api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'loud', configuration: { mode: 'log_many', count: 50_000_000 } });
      const run = await workbench.api('POST', `/api/instances/${instance.id}/runs`, {});
      const hostPid = await until(async () => (await workbench.api('GET', `/api/runs/${run.id}/logs?limit=1`)).items[0]?.metadata.pid as number | undefined, 'the run to log');
      await proxy.stop();
      // Its output backs up (the workbench stops reading it) until the workbench is killed.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      hosts = childPids(workbench.child.pid!);
      assert.ok(hosts.includes(hostPid) && isAlive(hostPid), 'the run waits');
      workbench.child.kill('SIGKILL');
      await workbench.exited;
      // Its run's process and the warm one waiting for the next run: none lives on (one did, spinning).
      await until(() => hosts.every((pid) => !isAlive(pid)), `the workbench's processes to end with it (${hosts.filter(isAlive)} left)`, 10_000);
    } finally {
      for (const pid of hosts.filter(isAlive)) process.kill(pid, 'SIGKILL');
      await proxy.start().catch(() => {});
      workbench.child.kill('SIGKILL');
      await workbench.exited;
      await proxy.close();
      await schema.drop();
      await project.remove();
    }
  });

  test.run();
}
