/**
 * Resources an agent can read and subscribe to:
 * - `athanor://experiments/NAME`: the experiment's JSON Schema, its load error and its source;
 * - `athanor://runs/ID`: the run's status, progress, configuration and latest results.
 *
 * Subscribing to one sends `notifications/resources/updated` whenever it changes (a run's
 * status, progress or results; an experiment's reload), from the workbench's event bus, at
 * most a few times a second per resource: the client reads it again when told.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { InputError, NotFoundError } from '../errors.ts';
import type { Workbench } from '../workbench.ts';
import { latestResults } from './result-tools.ts';
import { boundValue, type ToolKit } from './tool-kit.ts';

const EXPERIMENT_PREFIX = 'athanor://experiments/';
const RUN_PREFIX = 'athanor://runs/';
/** At most one update notification per resource in this time. */
const THROTTLE_MS = 250;

/** A resource's JSON, long values cut as in tool answers (an experiment's source is kept whole). */
const json = (uri: string, value: unknown, options: { keepStrings?: boolean } = {}) => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(boundValue(value, options)) }],
});

async function readExperiment(workbench: Workbench, uri: string, name: string) {
  const entry = workbench.registry.get(name);
  if (!entry) throw new NotFoundError(`unknown experiment "${name}"`);
  const { source } = await workbench.registry.readSource(entry.name);
  return json(uri, { ...entry, source }, { keepStrings: true });
}

async function readRun(kit: ToolKit, uri: string, id: string) {
  const run = await kit.workbench.experiments.getRunDetail(await kit.workbench.experiments.resolveRunId(id));
  return json(uri, { ...run, ...(await latestResults(kit, run.id, 50)) });
}

/** Notifies subscribers of resources that changed; returns the function that stops listening. */
function publishUpdates(server: McpServer, workbench: Workbench, subscribed: Map<string, Set<string>>): () => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const changed = (key: string) => {
    const uris = subscribed.get(key);
    if (!uris || pending.has(key)) return;
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      for (const uri of subscribed.get(key) ?? []) void server.server.sendResourceUpdated({ uri }).catch(() => {});
    }, THROTTLE_MS));
  };
  const { bus } = workbench;
  const offs = [
    bus.subscribe('run.status', (event) => changed(`run:${event.runId}`)),
    bus.subscribe('run.progress', (event) => changed(`run:${event.runId}`)),
    bus.subscribe('run.result', (event) => changed(`run:${event.runId}`)),
    bus.subscribe('experiment.changed', (event) => {
      changed(`experiment:${event.experiment.name}`);
      server.sendResourceListChanged();
    }),
    bus.subscribe('experiment.removed', (event) => {
      changed(`experiment:${event.name}`);
      server.sendResourceListChanged();
    }),
  ];
  return () => {
    offs.forEach((off) => off());
    for (const timer of pending.values()) clearTimeout(timer);
  };
}

/** Registers the resources and the subscription handlers; returns the function that stops notifying. */
export function registerResources(server: McpServer, kit: ToolKit): () => void {
  const { workbench } = kit;
  server.registerResource(
    'experiment',
    new ResourceTemplate(`${EXPERIMENT_PREFIX}{name}`, {
      list: async () => ({
        resources: workbench.registry.list().map((entry) => ({
          uri: EXPERIMENT_PREFIX + encodeURIComponent(entry.name),
          name: entry.name,
          description: entry.error ? `does not load: ${entry.error.message.split('\n')[0]}` : (entry.description ?? undefined),
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'Experiment', description: 'An experiment: its configuration\'s JSON Schema, its load error if any, and its source', mimeType: 'application/json' },
    async (uri, { name }) => readExperiment(workbench, uri.href, decodeURIComponent(String(name))),
  );
  server.registerResource(
    'run',
    // Runs are many: they are read by id (from start_run, list_runs), not listed.
    new ResourceTemplate(`${RUN_PREFIX}{id}`, { list: undefined }),
    { title: 'Run', description: 'A run: status, progress, error, configuration, code and latest results (subscribe to follow it)', mimeType: 'application/json' },
    async (uri, { id }) => readRun(kit, uri.href, String(id)),
  );

  // uri → key (`run:<full id>` or `experiment:<name>`), so a run named by a prefix is followed by its full id.
  const subscribed = new Map<string, Set<string>>();
  server.server.setRequestHandler(SubscribeRequestSchema, async ({ params }) => {
    const key = await subscriptionKey(workbench, params.uri);
    subscribed.set(key, (subscribed.get(key) ?? new Set()).add(params.uri));
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async ({ params }) => {
    for (const [key, uris] of subscribed) {
      uris.delete(params.uri);
      if (uris.size === 0) subscribed.delete(key);
    }
    return {};
  });
  return publishUpdates(server, workbench, subscribed);
}

async function subscriptionKey(workbench: Workbench, uri: string): Promise<string> {
  if (uri.startsWith(RUN_PREFIX)) {
    const id = await workbench.experiments.resolveRunId(decodeURIComponent(uri.slice(RUN_PREFIX.length)));
    await workbench.experiments.getRun(id);
    return `run:${id}`;
  }
  if (uri.startsWith(EXPERIMENT_PREFIX)) {
    const name = decodeURIComponent(uri.slice(EXPERIMENT_PREFIX.length));
    if (!workbench.registry.get(name)) throw new NotFoundError(`unknown experiment "${name}"`);
    return `experiment:${name}`;
  }
  throw new InputError(`cannot subscribe to ${JSON.stringify(uri)}: resources are athanor://experiments/NAME and athanor://runs/ID`);
}
