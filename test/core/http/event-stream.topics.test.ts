// `/api/events?topics=`: a stream carries what its views show (issue 12, item 1: a dashboard
// tab does not receive every log line of every run).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { listen, type SseEvent } from '../../helpers/sse-client.ts';
import { until } from '../../helpers/until.ts';

const topics = suite('HTTP API: live events by topic');

const RUN_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const RUN_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const INSTANCE_A = 'cccccccc-0000-4000-8000-000000000003';
const INSTANCE_B = 'dddddddd-0000-4000-8000-000000000004';

/** One event of each kind, for runs A (of instance A) and B (of instance B); then a marker. */
function publishEverything(workbench: ServerContext['workbench']): void {
  const bus = workbench.bus as { publish(type: string, payload: unknown): void };
  for (const [runId, instanceId] of [[RUN_A, INSTANCE_A], [RUN_B, INSTANCE_B]] as const) {
    bus.publish('run.status', { runId, instanceId, status: 'running', run: { id: runId, instanceId } });
    bus.publish('run.progress', { runId, instanceId, progress: { current: 1, total: 2 } });
    bus.publish('run.log', { runId, instanceId, entries: [{ seq: 1, message: 'hello' }] });
    bus.publish('run.result', { runId, instanceId, entries: [{ seq: 1, key: 'k', value: 1 }] });
    bus.publish('instance.updated', { instance: { id: instanceId } });
  }
  bus.publish('instance.created', { instance: { id: INSTANCE_B } });
  bus.publish('instance.deleted', { instanceId: INSTANCE_A });
  bus.publish('experiment.changed', { experiment: { name: 'e' } });
  bus.publish('experiment.removed', { name: 'e', file: 'e.ts' });
  bus.publish('database.status', { status: 'unavailable', since: '2026-01-01T00:00:00.000Z', error: 'gone' });
}

/** `event` plus whose it is: `run.log A`, `instance.updated B`, `experiment.changed`. */
function describe(event: SseEvent): string {
  const id = event.data.runId ?? event.data.instanceId ?? event.data.instance?.id;
  const whose = id ? ` ${id === RUN_A || id === INSTANCE_A ? 'A' : 'B'}` : '';
  return `${event.event}${whose}`;
}

/** What a stream with `query` receives of `publishEverything`, in order. */
async function received(context: ServerContext, query: string): Promise<string[]> {
  const reader = listen(`${context.base}/api/events${query}`);
  await until(() => reader.connected() && context.server.events.clientCount === 1, 'the stream to open');
  publishEverything(context.workbench);
  await until(() => reader.received.some((e) => e.event === 'database.status'), 'the last event');
  await reader.close();
  return reader.received.map(describe);
}

topics('each topic carries its events, and database.status reaches every stream', async () => {
  await withServer(async (context) => {
    assert.equal(await received(context, '?topics=runs'), ['run.status A', 'run.progress A', 'run.status B', 'run.progress B', 'database.status']);
    assert.equal(await received(context, `?topics=run:${RUN_A}`), ['run.status A', 'run.progress A', 'run.log A', 'run.result A', 'database.status']);
    assert.equal(await received(context, `?topics=instance:${INSTANCE_A}`), [
      'run.status A', 'run.progress A', 'run.log A', 'run.result A', 'instance.updated A', 'instance.deleted A', 'database.status',
    ]);
    assert.equal(await received(context, '?topics=instances'), ['instance.updated A', 'instance.updated B', 'instance.created B', 'instance.deleted A', 'database.status']);
    assert.equal(await received(context, '?topics=experiments'), ['experiment.changed', 'experiment.removed', 'database.status']);
    assert.equal(await received(context, '?topics='), ['database.status'], 'no topics: only what every stream gets');
  });
});

topics('topics combine, an event comes once however many of its topics are asked for, and all is everything', async () => {
  await withServer(async (context) => {
    assert.equal(await received(context, `?topics=runs,run:${RUN_B},experiments,instance:${INSTANCE_B}`), [
      'run.status A', 'run.progress A',
      'run.status B', 'run.progress B', 'run.log B', 'run.result B', 'instance.updated B', 'instance.created B',
      'experiment.changed', 'experiment.removed', 'database.status',
    ]);
    const everything = await received(context, '');
    assert.is(everything.length, 15);
    assert.equal(await received(context, '?topics=all'), everything);
  });
});

topics('the older run= and instance= filters still work', async () => {
  await withServer(async (context) => {
    const instance = (await context.api('POST', '/api/instances', { experiment: 'my_experiment', name: 'old filters', configuration: { iterations: 2 } })).body;
    const run = (await context.api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    const byRun = listen(`${context.base}/api/events?run=${run.id}`);
    const byInstance = listen(`${context.base}/api/events?instance=${instance.id}`);
    await until(() => context.server.events.clientCount === 2, 'both streams to open');
    const rerun = (await context.api('POST', `/api/runs/${run.id}/rerun`, { code: 'current' })).body;
    const ended = (reader: typeof byRun) => reader.received.some((e) => e.event === 'run.status' && e.data.runId === rerun.id && e.data.status === 'completed');
    await until(() => ended(byInstance), 'the instance stream to see the rerun end');
    await Promise.all([byRun.close(), byInstance.close()]);
    assert.ok(byInstance.received.some((e) => e.event === 'run.log' && e.data.runId === rerun.id), 'the instance stream has its runs\' logs');
    assert.ok(byRun.received.every((e) => e.data.runId === run.id), 'the run stream has nothing of the other run');
  });
});

topics('a resumed stream replays only its topics after Last-Event-ID', async () => {
  await withServer(async (context) => {
    const first = listen(`${context.base}/api/events?topics=runs`);
    await until(() => first.connected() && context.server.events.clientCount === 1, 'the stream to open');
    publishEverything(context.workbench);
    await until(() => first.received.some((e) => e.event === 'database.status'), 'the first batch');
    await first.close();
    const after = first.received[1]!.id!; // run.progress A
    publishEverything(context.workbench); // while nobody listens
    const second = listen(`${context.base}/api/events?topics=${encodeURIComponent(`run:${RUN_B}`)}`, { 'last-event-id': after });
    await until(() => second.received.filter((e) => e.event === 'database.status').length === 2, 'the replay of both batches');
    await second.close();
    assert.equal(second.received.map(describe), [
      'run.status B', 'run.progress B', 'run.log B', 'run.result B', 'database.status',
      'run.status B', 'run.progress B', 'run.log B', 'run.result B', 'database.status',
    ]);
  });
});

topics('stream.open says where the stream went live: a view that saw nothing yet resumes from there', async () => {
  await withServer(async (context) => {
    const quiet = listen(`${context.base}/api/events?topics=experiments`);
    await until(() => quiet.opened.length === 1, 'stream.open');
    await quiet.close();
    assert.equal(quiet.received, [], 'nothing else happened');
    publishEverything(context.workbench); // while the view is away (hidden in the back/forward cache)
    const back = listen(`${context.base}/api/events?topics=experiments`, { 'last-event-id': quiet.opened[0]!.id! });
    await until(() => back.received.some((e) => e.event === 'database.status'), 'the missed events');
    await back.close();
    assert.equal(back.received.map(describe), ['experiment.changed', 'experiment.removed', 'database.status']);
    assert.ok(Number(back.opened[0]!.id) > Number(quiet.opened[0]!.id), 'the resumed stream goes live after what it replayed');
  });
});

topics('a bad topic is refused naming it and the rule; topics and run= together are refused', async () => {
  await withServer(async ({ api, server }) => {
    for (const [query, expected] of [
      ['?topics=runs,logs', /topics: "logs" is not a topic \(one of all, runs, instances, experiments, run:<id>, instance:<id>/],
      ['?topics=run:', /"run:" is not a topic/],
      ['?topics=run:../x', /"run:..\/x" is not a topic.*ids are letters, digits, - and _/],
      ['?topics=runs,,instances', /"" is not a topic/],
      [`?topics=${Array.from({ length: 201 }, (_, i) => `run:r${i}`).join(',')}`, /topics: 201 topics is above the maximum 200/],
      [`?topics=runs&run=${RUN_A}`, /give topics, or run= \/ instance=, not both/],
    ] as const) {
      const { status, body } = await api('GET', `/api/events${query}`);
      assert.is(status, 400, query.slice(0, 60));
      assert.is(body.code, 'ERR_BAD_INPUT');
      assert.match(body.error, expected);
    }
    assert.is(server.events.clientCount, 0, 'no stream was opened');
  });
});

topics('a topic naming a run or instance that does not exist is a silent stream, not an error', async () => {
  await withServer(async (context) => {
    assert.equal(await received(context, '?topics=run:no-such-run,instance:gone'), ['database.status']);
  });
});

topics.run();
