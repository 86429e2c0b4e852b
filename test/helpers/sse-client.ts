/** A minimal SSE client for the event stream's tests (Node's fetch, no browser). */

export interface SseEvent {
  id?: string;
  event?: string;
  data?: any;
}

/**
 * A minimal SSE client over fetch: collects events until aborted. Like a browser's
 * EventSource, it reconnects with Last-Event-ID when the server drops it, so a reader the
 * server found too slow on a loaded machine still sees every event once. The stream's
 * `stream.open` (sent as it goes live) sets the id to resume from and is kept apart, in
 * `opened`.
 */
export function listen(url: string, headers: Record<string, string> = {}) {
  const received: SseEvent[] = [];
  const opened: SseEvent[] = [];
  let lastId: string | undefined;
  const controller = new AbortController();
  let reconnects = 0;
  let connected = false;
  const readOnce = async () => {
    const response = await fetch(url, { headers: lastId ? { ...headers, 'last-event-id': lastId } : headers, signal: controller.signal });
    connected = true;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          const value = rest.join(': ');
          if (field === 'id') event.id = value;
          if (field === 'event') event.event = value;
          if (field === 'data') event.data = JSON.parse(value);
        }
        if (event.id) lastId = event.id;
        if (event.event === 'stream.open') opened.push(event);
        else if (event.event) received.push(event);
      }
    }
  };
  const done = (async () => {
    while (!controller.signal.aborted) {
      try {
        await readOnce();
      } catch {
        /* aborted, or dropped mid-event */
      }
      connected = false;
      if (!controller.signal.aborted) reconnects++;
    }
  })();
  return { received, opened, reconnects: () => reconnects, connected: () => connected, close: async () => (controller.abort(), await done) };
}
