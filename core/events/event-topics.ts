/**
 * Topics of the live stream (`GET /api/events?topics=...`): what a view shows, so the
 * stream carries only what at least one open view needs. A pure module, shared by the
 * server (which filters) and the browser (which subscribes, and routes what arrives to
 * the views that asked for it).
 *
 * | topic           | events                                                              |
 * |-----------------|---------------------------------------------------------------------|
 * | `runs`          | `run.status` and `run.progress` of every run                        |
 * | `run:<id>`      | every event of one run (status, progress, log, result)              |
 * | `instance:<id>` | the instance's own events and every event of its runs               |
 * | `instances`     | `instance.created`, `instance.updated`, `instance.deleted`          |
 * | `experiments`   | `experiment.changed`, `experiment.removed`                          |
 * | `all`           | everything                                                          |
 *
 * `database.status` (and the stream's own `stream.reset`) reach every stream whatever its
 * topics: they concern the whole workbench.
 *
 * @example
 * const parsed = parseTopics('runs,run:0b8c6f52-…');
 * if ('error' in parsed) throw new Error(parsed.error);
 * wantsEvent(new Set(parsed.topics), eventTopics(event));
 */
import type { AthanorEvent } from './event-map.ts';

/**
 * The header of every API answer: the id of the newest event when it was read. A view that
 * fetched before its tab's live stream first opened has the stream resume from there.
 */
export const EVENT_ID_HEADER = 'athanor-event-id';

/** One topic (see the table above). */
export type EventTopic = 'all' | 'runs' | 'instances' | 'experiments' | `run:${string}` | `instance:${string}`;

/** The mark of an event every stream gets. */
export const EVERY_STREAM = '*';

const NAMED = ['all', 'runs', 'instances', 'experiments'];
const SCOPED = /^(run|instance):[A-Za-z0-9_-]{1,128}$/;
/** More than any page asks for (a page asks for a few): bounds the work per event. */
export const MAX_TOPICS = 200;

/** The topics an event belongs to; `[EVERY_STREAM]` for one every stream gets. */
export function eventTopics(event: AthanorEvent): string[] {
  switch (event.type) {
    case 'run.status':
    case 'run.progress':
      return ['all', 'runs', `run:${event.runId}`, `instance:${event.instanceId}`];
    case 'run.log':
    case 'run.result':
      return ['all', `run:${event.runId}`, `instance:${event.instanceId}`];
    case 'instance.created':
    case 'instance.updated':
      return ['all', 'instances', `instance:${event.instance.id}`];
    case 'instance.deleted':
      return ['all', 'instances', `instance:${event.instanceId}`];
    case 'experiment.changed':
    case 'experiment.removed':
      return ['all', 'experiments'];
    case 'database.status':
      return [EVERY_STREAM];
  }
}

/** Whether a stream subscribed to `subscribed` gets an event of `topics`. */
export function wantsEvent(subscribed: ReadonlySet<string>, topics: readonly string[]): boolean {
  return topics.some((topic) => topic === EVERY_STREAM || subscribed.has(topic));
}

/** Whether `text` is one topic. */
export function isTopic(text: string): text is EventTopic {
  return NAMED.includes(text) || SCOPED.test(text);
}

/**
 * Reads a `topics` parameter: comma-separated topics, `''` for none (the stream then
 * carries only the events every stream gets).
 */
export function parseTopics(text: string): { topics: EventTopic[] } | { error: string } {
  const parts = text === '' ? [] : text.split(',');
  if (parts.length > MAX_TOPICS) return { error: `topics: ${parts.length} topics is above the maximum ${MAX_TOPICS}` };
  for (const part of parts) {
    if (!isTopic(part)) {
      return {
        error: `topics: ${JSON.stringify(part)} is not a topic (one of ${NAMED.join(', ')}, run:<id>, instance:<id>; ids are letters, digits, - and _)`,
      };
    }
  }
  return { topics: [...new Set(parts as EventTopic[])] };
}

/** The `topics` parameter for a set of topics: sorted, so one set always gives one URL. */
export function formatTopics(topics: Iterable<string>): string {
  return [...new Set(topics)].sort().join(',');
}
