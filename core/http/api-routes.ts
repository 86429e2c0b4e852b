/**
 * The HTTP API of DESIGN.md, over the workbench. Lists that page are `{items, next}`
 * (runs of an instance, logs, results); the others are plain arrays.
 */
import type { Workbench } from '../workbench.ts';
import { comparisonRoutes } from './comparison-routes.ts';
import { INSTANCE_SORTS, LOG_LEVELS, RUN_STATUSES, type InstanceSort, type LogLevel, type RunStatus, type WorkbenchHealth } from '../records.ts';
import { HttpError } from './http-errors.ts';
import { intParam, readJsonObject, sendJson } from './http-io.ts';
import { refuseUnknownFields } from './input-rules.ts';
import { Router, type RouteContext } from './http-router.ts';
import { exportRequest, streamRunExport } from './run-export.ts';
import { metricRoutes } from './metric-routes.ts';
import { validatorModule } from '../experiment/validator-module.ts';
import { definitionOf } from '../experiments/service-context.ts';

export interface ApiOptions {
  /** Largest JSON body (bytes); a source file may be up to this too. */
  bodyLimit: number;
  /** Open `/api/events` streams, for `/api/health`. */
  eventClients: () => number;
}

function levelsParam(url: URL): LogLevel[] | undefined {
  const raw = url.searchParams.get('level');
  if (!raw) return undefined;
  const levels = raw.split(',');
  for (const level of levels) {
    if (!LOG_LEVELS.includes(level as LogLevel)) {
      throw new HttpError(400, 'ERR_BAD_INPUT', `level must be among ${LOG_LEVELS.join(', ')} (comma-separated), got ${JSON.stringify(level)}`);
    }
  }
  return levels as LogLevel[];
}

function statusParam(url: URL): RunStatus | undefined {
  const raw = url.searchParams.get('status');
  if (!raw) return undefined;
  if (!RUN_STATUSES.includes(raw as RunStatus)) {
    throw new HttpError(400, 'ERR_BAD_INPUT', `status must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as RunStatus;
}

/**
 * Refuses to start a run of an instance whose experiment is gone or does not load, rather
 * than record a run that can only fail (nothing is created).
 */
export async function checkRunnable(workbench: Workbench, instanceId: string): Promise<void> {
  const instance = await workbench.experiments.getInstance(instanceId);
  const entry = workbench.registry.get(instance.experiment);
  if (!entry) {
    throw new HttpError(404, 'ERR_NOT_FOUND', `unknown experiment "${instance.experiment}": instance "${instance.name}" cannot run until its file is back`);
  }
  // A broken one: refused as creating an instance of it is (400, with where and why).
  definitionOf({ definitions: (name) => workbench.registry.definition(name) }, entry.name);
}

function experimentRoutes(router: Router, workbench: Workbench, options: ApiOptions): void {
  const { registry } = workbench;
  router
    .on('GET', '/api/experiments', ({ response }) => sendJson(response, 200, registry.list()))
    .on('POST', '/api/experiments', async ({ request, response }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      if (typeof body.file !== 'string' || body.file.trim() === '') {
        throw new HttpError(400, 'ERR_BAD_INPUT', `file must be a file name such as "my_study.ts", got ${JSON.stringify(body.file ?? null)}`);
      }
      const name = typeof body.name === 'string' ? body.name : undefined;
      if (body.source !== undefined && typeof body.source !== 'string') throw new HttpError(400, 'ERR_BAD_INPUT', 'source must be the new file\'s text (a string), or left out for the template');
      const source = body.source as string | undefined;
      sendJson(response, 201, await registry.createExperiment(body.file, { ...(name ? { name } : {}), ...(source !== undefined ? { source } : {}) }));
    })
    .on('GET', '/api/experiments/:name', ({ response, params }) => {
      const entry = registry.get(params.name!);
      if (!entry) throw new HttpError(404, 'ERR_NOT_FOUND', `unknown experiment "${params.name}"`);
      sendJson(response, 200, entry);
    })
    .on('GET', '/api/experiments/:name/validator.js', ({ response, params }) => {
      const entry = registry.get(params.name!);
      if (!entry) throw new HttpError(404, 'ERR_NOT_FOUND', `unknown experiment "${params.name}"`);
      if (!entry.schema) {
        throw new HttpError(409, 'ERR_CONFLICT', `experiment "${entry.name}" has no validator until its file loads: ${entry.error?.message ?? 'not loaded'}`);
      }
      const text = validatorModule(entry.schema);
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-cache', // the UI asks for it by the experiment's code hash
      });
      response.end(text);
    })
    .on('GET', '/api/experiments/:name/source', async ({ response, params }) => {
      sendJson(response, 200, await registry.readSource(params.name!));
    })
    .on('PUT', '/api/experiments/:name/source', async ({ request, response, params }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      // A mistyped base ("bse") would save without the check it asks for.
      refuseUnknownFields(body, ['source', 'base'], 'a save takes {source, base?}');
      if (typeof body.source !== 'string') throw new HttpError(400, 'ERR_BAD_INPUT', `source must be the file's text (a string), got ${body.source === undefined ? 'none' : JSON.stringify(body.source).slice(0, 40)}`);
      if (body.base !== undefined && typeof body.base !== 'string') throw new HttpError(400, 'ERR_BAD_INPUT', 'base must be the text the edit started from (a string), or left out');
      const saved = await registry.writeSource(params.name!, body.source, { base: body.base as string | undefined }).catch((error: { code?: string; message?: string }) => {
        // An experiment whose file is gone has no entry to save over: say how its text is made again.
        if (error.code !== 'ERR_NOT_FOUND' || registry.get(params.name!)) throw error;
        throw new HttpError(404, 'ERR_NOT_FOUND', `${error.message} (its file may be gone): POST /api/experiments with {file, source} makes a file again`);
      });
      sendJson(response, 200, saved);
    });
}

function instanceRoutes(router: Router, workbench: Workbench, options: ApiOptions): void {
  const { experiments } = workbench;
  router
    .on('GET', '/api/instances', async ({ response, url }) => {
      const experiment = url.searchParams.get('experiment') ?? undefined;
      const q = url.searchParams.get('q') ?? undefined;
      const sort = url.searchParams.get('sort') ?? 'activity';
      if (!INSTANCE_SORTS.includes(sort as InstanceSort)) {
        throw new HttpError(400, 'ERR_BAD_INPUT', `sort must be one of ${INSTANCE_SORTS.join(', ')}, got ${JSON.stringify(sort)}`);
      }
      const options = { ...(experiment ? { experiment } : {}), ...(q ? { q } : {}), sort: sort as InstanceSort };
      const limit = intParam(url, 'limit');
      const cursor = url.searchParams.get('cursor');
      // Without a limit, the plain array (DESIGN.md); with one, a page.
      if (limit === undefined) {
        if (cursor) throw new HttpError(400, 'ERR_BAD_INPUT', 'cursor pages a list asked for with limit: give limit too (1 to 500)');
        sendJson(response, 200, await experiments.listInstances(options));
        return;
      }
      sendJson(response, 200, await experiments.pageInstances({ ...options, limit, cursor }));
    })
    .on('POST', '/api/instances', async ({ request, response }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      sendJson(response, 201, await experiments.createInstance(body as never));
    })
    // With its latest run, as in the lists, so a list can re-read one row as its run ends.
    .on('GET', '/api/instances/:id', async ({ response, params }) => sendJson(response, 200, await experiments.describeInstance(params.id!)))
    .on('PATCH', '/api/instances/:id', async ({ request, response, params }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      sendJson(response, 200, await experiments.updateInstance(params.id!, body));
    })
    .on('DELETE', '/api/instances/:id', async ({ response, params }) => {
      await experiments.deleteInstance(params.id!);
      sendJson(response, 200, { deleted: params.id });
    })
    .on('POST', '/api/instances/:id/clone', async ({ request, response, params }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      sendJson(response, 201, await experiments.cloneInstance(params.id!, body as never));
    })
    .on('GET', '/api/instances/:id/versions', async ({ response, params, url }) => {
      const page = await experiments.listInstanceVersions(params.id!, { limit: intParam(url, 'limit'), cursor: url.searchParams.get('cursor') });
      sendJson(response, 200, page);
    })
    .on('GET', '/api/instances/:id/versions/:version', async ({ response, params }) => {
      // A number when it reads as one; anything else reaches the service as given, which names it.
      const raw = params.version!;
      const version = /^\d{1,10}$/.test(raw) ? Number(raw) : raw;
      sendJson(response, 200, await experiments.getInstanceVersion(params.id!, version as number));
    })
    .on('GET', '/api/instances/:id/runs', async ({ response, params, url }) => {
      const page = await experiments.listRuns(params.id!, {
        limit: intParam(url, 'limit'),
        cursor: url.searchParams.get('cursor'),
        status: statusParam(url),
      });
      sendJson(response, 200, page);
    })
    .on('POST', '/api/instances/:id/runs', async ({ request, response, params }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      await checkRunnable(workbench, params.id!);
      const run = await experiments.createRun(params.id!, body); // unknown options are refused by name
      sendJson(response, 201, await experiments.startRun(run.id));
    });
}

/**
 * A run route's handler, given the run's full id in `params.id`: the path may name the run
 * by a unique prefix of its id (what the UI shows), resolved once here for every run route.
 */
function forRun(workbench: Workbench, handler: (context: RouteContext) => Promise<void>) {
  return async (context: RouteContext) => {
    const id = await workbench.experiments.resolveRunId(context.params.id!);
    await handler({ ...context, params: { ...context.params, id } });
  };
}

function runRoutes(router: Router, workbench: Workbench, options: ApiOptions): void {
  const { experiments } = workbench;
  const on = (method: string, path: string, handler: (context: RouteContext) => Promise<void>) => router.on(method, path, forRun(workbench, handler));
  on('GET', '/api/runs/:id', async ({ response, params }) => sendJson(response, 200, await experiments.getRunDetail(params.id!)));
  on('GET', '/api/runs/:id/source', async ({ response, params }) => sendJson(response, 200, await experiments.getRunSource(params.id!)));
  router.on('GET', '/api/code/:hash', async ({ response, params }) => sendJson(response, 200, await experiments.getCodeSnapshot(params.hash!)));
  on('GET', '/api/runs/:id/logs', async ({ response, params, url }) => {
    const page = await experiments.readLogs(params.id!, { after: intParam(url, 'after'), levels: levelsParam(url), limit: intParam(url, 'limit') });
    sendJson(response, 200, page);
  });
  on('GET', '/api/runs/:id/results', async ({ response, params, url }) => {
    const view = url.searchParams.get('view') ?? undefined;
    const key = url.searchParams.get('key') ?? undefined;
    const page = await experiments.readResults(params.id!, { view: view as 'latest', key, after: intParam(url, 'after'), limit: intParam(url, 'limit') });
    sendJson(response, 200, page);
  });
  on('POST', '/api/runs/:id/cancel', async ({ response, params }) => sendJson(response, 200, await experiments.cancelRun(params.id!)));
  on('POST', '/api/runs/:id/rerun', async ({ request, response, params }) => {
    const body = await readJsonObject(request, options.bodyLimit);
    refuseUnknownFields(body, ['code'], 'a rerun takes {code: "current" | "snapshot"}');
    const { code = 'current' } = body;
    if (code !== 'current' && code !== 'snapshot') throw new HttpError(400, 'ERR_BAD_INPUT', `code must be "current" or "snapshot", got ${JSON.stringify(code)}`);
    const previous = await experiments.getRun(params.id!);
    // Kept code runs whatever the file says now; the current code needs the file to load.
    if (code === 'current') await checkRunnable(workbench, previous.instanceId);
    const run = await experiments.createRerun(previous.id, code);
    sendJson(response, 201, await experiments.startRun(run.id));
  });
  on('GET', '/api/runs/:id/export', async ({ params, url, response }) => {
    await streamRunExport(experiments, params.id!, exportRequest(url), response);
  });
}

/** The API router. */
export function createApiRouter(workbench: Workbench, options: ApiOptions): Router {
  const router = new Router();
  // Answers without the database (a fresh probe, bounded to 1 s), so it tells when it is away.
  router.on('GET', '/api/health', async ({ response }) =>
    sendJson(response, 200, {
      database: await workbench.databaseMonitor.check(),
      eventClients: options.eventClients(),
      activeRuns: workbench.supervisor.activeCount,
      queuedRuns: workbench.supervisor.queuedCount,
      ...(workbench.pool && workbench.runs !== 'local'
        ? { pool: { runs: workbench.runs, workers: await workbench.pool.listWorkers().catch(() => null) } }
        : {}),
    } satisfies WorkbenchHealth),
  );
  experimentRoutes(router, workbench, options);
  comparisonRoutes(router, workbench, options);
  instanceRoutes(router, workbench, options);
  runRoutes(router, workbench, options);
  metricRoutes(router, workbench);
  // What AI agents did over MCP (issue 17), newest first, a page at a time.
  router.on('GET', '/api/agent-actions', async ({ response, url }) =>
    sendJson(response, 200, await workbench.experiments.listAgentActions({ limit: intParam(url, 'limit'), cursor: url.searchParams.get('cursor') })),
  );
  return router;
}
