// The relay behind the browser's one live connection (ui/state/live-relay.ts,
// live-api-stream.ts): one stream per workbench for many tabs, the union of their topics,
// each tab given its own topics' events once, without gaps, across reopenings.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveRelay } from '../../ui/state/live-relay.ts';
import { until } from '../helpers/until.ts';
import type { EventSourceLike } from '../../ui/state/live-api-stream.ts';
import type { RelayMessage } from '../../ui/state/live-protocol.ts';

const API = 'http://127.0.0.1:4000';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An EventSource the test drives: what it was opened with, and events to send. */
class FakeSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  readonly openedAt = Date.now();
  readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  get topics(): string {
    return new URL(this.url).searchParams.get('topics')!;
  }
  get lastEventId(): string | null {
    return new URL(this.url).searchParams.get('lastEventId');
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, id: number, data: unknown = {}): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ lastEventId: String(id), data: JSON.stringify({ type, ...(data as object) }) } as MessageEvent<string>);
  }
  /** The server's answer to a new stream: open, what it replays after lastEventId, then stream.open at `newest`. */
  open(newest: number, replay: [type: string, id: number, data: unknown][] = []): void {
    this.readyState = 1;
    for (const listener of this.listeners.get('open') ?? []) listener({} as MessageEvent<string>);
    for (const [type, id, data] of replay) this.emit(type, id, data);
    this.emit('stream.open', newest);
  }
  error(readyState: number): void {
    this.readyState = readyState;
    for (const listener of this.listeners.get('error') ?? []) listener({} as MessageEvent<string>);
  }
}

const status = (runId: string, instanceId: string) => ({ runId, instanceId, status: 'running', run: {} });
const log = (runId: string, instanceId: string) => ({ runId, instanceId, entries: [] });

function setup(options: { reopenGapMs?: number } = {}) {
  const sources: FakeSource[] = [];
  const inbox = new Map<string, RelayMessage[]>();
  const relay = new LiveRelay<string>({
    send: (tab, message) => inbox.set(tab, [...(inbox.get(tab) ?? []), message]),
    open: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    growDelayMs: 1,
    shrinkDelayMs: 30,
    retryMs: 10,
    reopenGapMs: 0,
    ...options,
  });
  const subscribe = (tab: string, topics: string[], lastId: number | null = null) => relay.receive(tab, { type: 'subscribe', api: API, topics, lastId });
  /** The events `tab` was given: `type@id`. */
  const events = (tab: string) => (inbox.get(tab) ?? []).filter((m) => m.type === 'event').map((m) => `${m.event.type}@${m.id}`);
  const last = () => sources.at(-1)!;
  const open = () => sources.filter((s) => !s.closed);
  return { relay, sources, inbox, subscribe, events, last, open };
}

const relay = suite('live relay: one stream for many tabs');

relay('tabs share one stream with the union of their topics; each gets its own topics, all get database.status', async () => {
  const { subscribe, events, last, open } = setup();
  subscribe('dashboard', ['runs', 'instances']);
  subscribe('run page', ['run:r1']);
  await sleep(10);
  assert.is(open().length, 1, 'one stream');
  assert.is(last().topics, 'instances,run:r1,runs');
  last().open(100);
  last().emit('run.status', 101, status('r1', 'i1'));
  last().emit('run.log', 102, log('r1', 'i1'));
  last().emit('run.log', 103, log('r2', 'i2'));
  last().emit('instance.created', 104, { instance: { id: 'i3' } });
  last().emit('database.status', 105, { status: 'ok' });
  assert.equal(events('dashboard'), ['run.status@101', 'instance.created@104', 'database.status@105']);
  assert.equal(events('run page'), ['run.status@101', 'run.log@102', 'database.status@105']);
});

relay('a tab with new topics reopens the stream from the oldest cursor: no gap for it, no duplicate for the others', async () => {
  const { subscribe, events, last, sources } = setup();
  subscribe('a', ['runs']);
  await sleep(10);
  last().open(100);
  last().emit('run.status', 101, status('r1', 'i1'));
  subscribe('b', ['run:r1']);
  last().emit('run.status', 102, status('r1', 'i1')); // before the reopen: only a is live
  await sleep(10);
  assert.is(sources.length, 2);
  assert.ok(sources[0]!.closed, 'the old stream is closed');
  assert.is(last().topics, 'run:r1,runs');
  assert.is(last().lastEventId, '101', 'from b\'s cursor (the position when it came)');
  last().open(102, [['run.status', 102, status('r1', 'i1')]]); // the server replays 102
  last().emit('run.log', 103, log('r1', 'i1'));
  assert.equal(events('a'), ['run.status@101', 'run.status@102']);
  assert.equal(events('b'), ['run.status@102', 'run.log@103']);
});

relay('tabs coming one after another reopen the stream at most once per gap: never a burst of connections', async () => {
  const { subscribe, last, sources, open } = setup({ reopenGapMs: 60 });
  const openedAt: number[] = [];
  subscribe('a', ['runs']);
  await sleep(10);
  last().open(100);
  for (const [i, tab] of ['b', 'c', 'd', 'e', 'f'].entries()) {
    subscribe(tab, [`run:r${i}`]);
    await sleep(15);
  }
  await until(() => last().topics === 'run:r0,run:r1,run:r2,run:r3,run:r4,runs', 'every tab to be served');
  assert.is(open().length, 1);
  for (const source of sources) openedAt.push(source.openedAt);
  const gaps = openedAt.slice(1).map((at, i) => at - openedAt[i]!);
  assert.ok(sources.length < 6, `the 5 tabs shared reopens: ${sources.length} opens`);
  assert.ok(gaps.every((gap) => gap >= 59), `opens at least 60 ms apart: ${gaps.join(', ')} ms`);
});

relay('a tab back from the back/forward cache asks from its last id and gets what it missed', async () => {
  const { relay, subscribe, events, last } = setup();
  subscribe('stays', ['runs']);
  subscribe('hides', ['instance:i1']);
  await sleep(10);
  last().open(100);
  last().emit('run.status', 101, status('r1', 'i1'));
  relay.receive('hides', { type: 'leave' });
  last().emit('run.status', 102, status('r1', 'i1'));
  last().emit('run.status', 103, status('r2', 'i2'));
  subscribe('hides again', ['instance:i1'], 101);
  await sleep(10);
  assert.is(last().lastEventId, '101');
  last().open(103, [
    ['run.status', 102, status('r1', 'i1')],
    ['run.status', 103, status('r2', 'i2')],
  ]);
  assert.equal(events('hides'), ['run.status@101']);
  assert.equal(events('hides again'), ['run.status@102']);
  assert.equal(events('stays'), ['run.status@101', 'run.status@102', 'run.status@103'], 'nothing twice');
});

relay('a tab that rewinds (a view read its data before the stream opened) is sent again what followed; the others nothing twice', async () => {
  const { relay, subscribe, events, last, sources } = setup();
  subscribe('page', ['run:r1']);
  subscribe('other', ['runs']);
  await sleep(10);
  last().open(100); // the run ended at 99, after the page's view read it at 98
  last().emit('run.status', 101, status('r1', 'i1'));
  const opened = sources.length;
  relay.receive('page', { type: 'subscribe', api: API, topics: ['run:r1'], lastId: 98, rewind: true });
  await sleep(10);
  assert.is(sources.length, opened + 1, 'reopened');
  assert.is(last().lastEventId, '98');
  last().open(101, [
    ['run.status', 99, status('r1', 'i1')],
    ['run.status', 101, status('r1', 'i1')],
  ]);
  last().emit('run.status', 102, status('r1', 'i1'));
  assert.equal(events('page'), ['run.status@101', 'run.status@99', 'run.status@101', 'run.status@102']);
  assert.equal(events('other'), ['run.status@101', 'run.status@102']);
  // Without rewind a lower id never moves a cursor back.
  relay.receive('other', { type: 'subscribe', api: API, topics: ['runs'], lastId: 50 });
  await sleep(10);
  assert.is(sources.length, opened + 1, 'not reopened for it');
});

relay('each tab is told its resume point, even before its first event', async () => {
  const { subscribe, inbox, last } = setup();
  subscribe('first', ['runs']);
  await sleep(10);
  last().open(500);
  subscribe('second', ['instance:i1']);
  const cursors = (tab: string) => inbox.get(tab)!.filter((m) => m.type === 'cursor').map((m) => m.id);
  assert.equal(cursors('first'), [500]);
  assert.equal(cursors('second'), [500], 'told at once, though the stream is reopened for it later');
});

relay('topics nobody shows any more leave the stream after a while; with no tab left it closes', async () => {
  const { relay, subscribe, last, open } = setup();
  subscribe('a', ['runs']);
  subscribe('b', ['run:r1']);
  await sleep(10);
  last().open(100);
  relay.receive('b', { type: 'unsubscribe', api: API });
  assert.is(last().topics, 'run:r1,runs', 'not at once (a page that navigates subscribes again)');
  await sleep(60);
  assert.is(open().length, 1);
  assert.is(last().topics, 'runs');
  relay.receive('a', { type: 'leave' });
  await sleep(60);
  assert.is(open().length, 0);
});

relay('stream.reset goes to the tabs behind it, which reload; a refused stream is tried again', async () => {
  const { subscribe, inbox, last, sources } = setup();
  subscribe('a', ['runs']);
  await sleep(10);
  last().open(100);
  last().emit('stream.reset', 200);
  assert.equal(inbox.get('a')!.filter((m) => m.type === 'reset').map((m) => m.id), [200]);
  last().error(0);
  assert.equal(inbox.get('a')!.at(-1), { type: 'state', api: API, state: 'reconnecting' });
  last().error(2); // refused: EventSource gives up
  assert.equal(inbox.get('a')!.at(-1), { type: 'state', api: API, state: 'connecting' });
  await sleep(40);
  assert.is(sources.length, 2, 'tried again');
  assert.is(last().lastEventId, '200');
  last().open(200);
  assert.equal(inbox.get('a')!.filter((m) => m.type === 'state').at(-1), { type: 'state', api: API, state: 'open' });
});

relay('a tab that stops answering pings is forgotten; one it forgot that answers is asked to subscribe again', async () => {
  const { relay, subscribe, inbox, last } = setup();
  subscribe('alive', ['runs']);
  subscribe('crashed', ['run:r1']);
  await sleep(10);
  last().open(100);
  relay.sweep();
  assert.equal(inbox.get('alive')!.at(-1), { type: 'ping', cursors: { [API]: 100 } });
  relay.receive('alive', { type: 'pong' });
  relay.sweep();
  assert.is(relay.tabs, 1);
  await sleep(60);
  assert.is(last().topics, 'runs', 'the crashed tab\'s topic left the stream');
  relay.receive('crashed', { type: 'pong' });
  assert.equal(inbox.get('crashed')!.at(-1), { type: 'resubscribe' });
});

relay('a tab cannot point the relay at anything but an http(s) API base', () => {
  const { relay, sources } = setup();
  for (const api of ['javascript:alert(1)', 'file:///etc', 'http://x/?y', 'http://x/', 'not a url', 42]) {
    relay.receive('tab', { type: 'subscribe', api, topics: ['runs'], lastId: null } as never);
  }
  assert.is(relay.tabs, 0);
  assert.is(sources.length, 0);
});

relay.run();
