/**
 * Live events over Server-Sent Events: one multiplexed stream per browser (the page's
 * shared worker or leader tab holds it for every tab), carrying the topics its open views
 * show (core/events/event-topics.ts), or the older filter to one run or instance, or
 * everything. Every event gets an id; a ring of recent events
 * (bounded by count and bytes) lets a reconnecting client resume after `Last-Event-ID`
 * without gaps or duplicates. A client that cannot keep up is dropped, never buffered
 * without bound: it reconnects and resumes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../events/event-bus.ts';
import type { AthanorEvent } from '../events/event-map.ts';
import { eventTopics, wantsEvent } from '../events/event-topics.ts';

/**
 * What one stream carries: `topics` (the UI's way), else the events of one `run` or
 * `instance` (the older filters, kept for scripts), else everything.
 */
export interface EventFilter {
  run?: string;
  instance?: string;
  topics?: readonly string[];
}

interface StoredEvent {
  id: number;
  text: string;
  runId?: string;
  instanceId?: string;
  topics: string[];
}

export interface EventHubOptions {
  /** Events kept for resuming (default 10,000). */
  ringSize?: number;
  /** Bytes kept for resuming (default 32 MiB). */
  ringBytes?: number;
  /** Bytes a client may have unsent before it is dropped (default 4 MiB). */
  clientBuffer?: number;
  heartbeatMs?: number;
}

function scope(event: AthanorEvent): { runId?: string; instanceId?: string } {
  const fields = event as { runId?: string; instanceId?: string; instance?: { id: string } };
  return { runId: fields.runId, instanceId: fields.instanceId ?? fields.instance?.id };
}

/** The test a stream applies to each event. */
function matcher(filter: EventFilter): (stored: StoredEvent) => boolean {
  if (filter.topics) {
    const subscribed = new Set(filter.topics);
    return (stored) => wantsEvent(subscribed, stored.topics);
  }
  return (stored) => (!filter.run || stored.runId === filter.run) && (!filter.instance || stored.instanceId === filter.instance);
}

interface Client {
  response: ServerResponse;
  matches: (stored: StoredEvent) => boolean;
  /** Still reading the backlog it resumed with: not dropped for its size until it drains. */
  catchingUp: boolean;
}

export class EventHub {
  readonly #options: Required<EventHubOptions>;
  readonly #ring: StoredEvent[] = [];
  #ringBytes = 0;
  /**
   * Ids go on from one workbench process to the next (they start at the start time in
   * microseconds), so a tab that resumes after a restart is told to reload instead of
   * being sent the new process' events as if they came after the ones it saw.
   */
  #nextId = Date.now() * 1000 + 1;
  readonly #clients = new Set<Client>();
  #closed = false;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(bus: EventBus, options: EventHubOptions = {}) {
    this.#options = { ringSize: 10_000, ringBytes: 32 * 1024 * 1024, clientBuffer: 4 * 1024 * 1024, heartbeatMs: 15_000, ...options };
    this.#unsubscribe = bus.subscribe('*', (event) => this.#publish(event));
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) this.#send(client, ': heartbeat\n\n');
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** The id of the newest event (the stream's position now). */
  get newestId(): number {
    return this.#nextId - 1;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Serves one event stream until the client goes away. */
  attach(request: IncomingMessage, response: ServerResponse, filter: EventFilter): void {
    if (this.#closed) {
      // A stream asked for as the server stops (on a kept-alive socket) would hold its close for ever.
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      return void response.end('the workbench is stopping');
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 1000\n\n');
    const client: Client = { response, matches: matcher(filter), catchingUp: false };
    const lastId = Number(request.headers['last-event-id'] ?? new URL(request.url ?? '/', 'http://x').searchParams.get('lastEventId') ?? NaN);
    const reset = Number.isInteger(lastId) && !this.#replay(client, lastId);
    // The stream is live from here. Its id (the newest event's, whether or not this stream
    // carries it) is where a view that saw nothing yet resumes from, so one hidden for a
    // while (the back/forward cache) gets what it missed, not a gap.
    if (!reset) response.write(`id: ${this.#nextId - 1}\nevent: stream.open\ndata: {}\n\n`);
    // A resumed client gets its backlog whatever its size (the ring bounds it): dropping it
    // for that would make it reconnect and get the same backlog again, for ever.
    if (response.writableLength > this.#options.clientBuffer) {
      client.catchingUp = true;
      response.once('drain', () => (client.catchingUp = false));
    }
    this.#clients.add(client);
    const remove = () => this.#clients.delete(client);
    request.on('close', remove);
    response.on('close', remove);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.response.end();
    this.#clients.clear();
  }

  /** Sends what the client missed after `lastId`; false when it cannot (it sent stream.reset). */
  #replay(client: Client, lastId: number): boolean {
    const newest = this.#nextId - 1;
    const oldest = this.#ring[0]?.id ?? this.#nextId;
    if (lastId < oldest - 1 || lastId > newest) {
      // Fell out of the window (or came from another process): the client must reload what
      // it shows. The reset carries the newest id, so its next reconnect resumes from here.
      const reason = lastId > newest ? `event ${lastId} was not sent by this workbench (it restarted?)` : `events after ${lastId} are no longer kept`;
      this.#send(client, `id: ${newest}\nevent: stream.reset\ndata: ${JSON.stringify({ reason })}\n\n`);
      return false;
    }
    for (const stored of this.#ring) {
      if (stored.id > lastId && client.matches(stored)) client.response.write(stored.text);
    }
    return true;
  }

  #publish(event: AthanorEvent): void {
    const id = this.#nextId++;
    const stored: StoredEvent = { id, text: `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`, topics: eventTopics(event), ...scope(event) };
    this.#ring.push(stored);
    this.#ringBytes += stored.text.length;
    while (this.#ring.length > this.#options.ringSize || this.#ringBytes > this.#options.ringBytes) {
      this.#ringBytes -= this.#ring.shift()!.text.length;
    }
    for (const client of this.#clients) if (client.matches(stored)) this.#send(client, stored.text);
  }

  #send(client: Client, text: string): void {
    if (!client.catchingUp && client.response.writableLength > this.#options.clientBuffer) {
      this.#clients.delete(client as never);
      client.response.destroy(); // too slow: it reconnects with Last-Event-ID
      return;
    }
    // Events of one tick go out in one write per client.
    if (!client.response.writableCorked) {
      client.response.cork();
      process.nextTick(() => client.response.uncork());
    }
    client.response.write(text);
  }
}
