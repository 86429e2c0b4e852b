/**
 * Property-based fuzzing of the HTTP API (fast-check), over a real server: requests for
 * every route with wrong types, extreme numbers, unicode edge cases, deep nesting and
 * unknown fields. Properties: never a 5xx, never a crash (nothing logged as an internal
 * error, no uncaught exception, the server answers afterwards), every error is
 * `{error, code}`, a refused (4xx) write changes nothing, and an accepted instance write
 * stored its text as sent (Postgres and PGlite silently turned lone surrogates into U+FFFD).
 *
 * CI runs a fixed seed and a bounded count: about `ATHANOR_FUZZ_RUNS` requests (default 250)
 * on pg-mem, half as many on PGlite and on Postgres (when `ATHANOR_TEST_DATABASE_URL` is
 * set), in rounds over every route so what one route creates the next ones reach.
 * `ATHANOR_FUZZ_RUNS=5000` runs longer, `ATHANOR_FUZZ_SEED=n` elsewhere; a failure names
 * the route, the seed and the request.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPgliteFolder, createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { apiRoutes, type FuzzRequest, type FuzzState, type RouteSpec } from '../../helpers/api-fuzz-routes.ts';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';

const RUNS = Number(process.env.ATHANOR_FUZZ_RUNS ?? 250);
const SEED = Number(process.env.ATHANOR_FUZZ_SEED ?? 18);
/** Requests per route in each round over the routes. */
const PER_ROUTE = 4;
const FIXTURE = new URL('../../fixtures/http/fuzz_fixture.ts', import.meta.url);

/** Rounds over every route, a few requests each: what one route creates, the next ones reach. */
const roundsFor = (runs: number) => Math.max(1, Math.ceil(runs / (apiRoutes().length * PER_ROUTE)));

interface Answer {
  status: number;
  type: string;
  text: string;
}

async function send(base: string, request: FuzzRequest): Promise<Answer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  try {
    const response = await fetch(base + request.path, {
      method: request.method,
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      body: request.body,
      redirect: 'manual',
      signal: abort.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    // The live stream stays open: its answer is its status and headers.
    if (type.startsWith('text/event-stream')) {
      abort.abort();
      return { status: response.status, type, text: '' };
    }
    return { status: response.status, type, text: await response.text() };
  } finally {
    clearTimeout(timer);
  }
}

/** Instances and their versions, runs, experiments and files: what a refused write must leave as it was. */
async function snapshot({ workbench }: ServerContext) {
  await workbench.registry.whenIdle();
  const instances = await workbench.experiments.listInstances();
  const runs = await Promise.all(instances.map((i) => workbench.experiments.listRuns(i.id, { limit: 500 })));
  const versions = await Promise.all(instances.map((i) => workbench.experiments.listInstanceVersions(i.id, { limit: 500 })));
  const experiments = workbench.registry.list().map((e) => [e.name, e.file, e.codeHash, e.error?.message]);
  const files: [string, string][] = [];
  for (const file of (await readdir(workbench.experimentsDir, { recursive: true })).sort()) {
    const content = await readFile(join(workbench.experimentsDir, file)).catch(() => 'a folder');
    files.push([file, createHash('sha256').update(content).digest('hex')]);
  }
  return { instances, runs: runs.flatMap((page) => page.items), versions: versions.map((page) => page.items), experiments, files };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/**
 * The state a refused write must leave exactly as it was. Runs the fuzz started may still be
 * going (a process each: waiting for them would take most of the budget), so of a run that
 * was active before only what never changes is compared, and run counts and latest runs not at all.
 */
function comparable(state: Snapshot, activeBefore: Set<string>) {
  return JSON.parse(
    JSON.stringify({
      ...state,
      instances: state.instances.map(({ runCounts: _, latestRun: __, ...instance }) => instance),
      runs: state.runs.map((run) => (activeBefore.has(run.id) ? { id: run.id, instanceId: run.instanceId, createdAt: run.createdAt, options: run.options } : run)),
    }),
  );
}

const activeRuns = (state: Snapshot) => new Set(state.runs.filter((run) => ['pending', 'running'].includes(run.status)).map((run) => run.id));

/** Keeps ids and names of what successful requests created, so later requests reach them. */
function remember(state: FuzzState, request: FuzzRequest, answer: Answer): void {
  if (answer.status >= 300 || !answer.type.startsWith('application/json') || answer.text === '') return;
  const body = JSON.parse(answer.text);
  if (request.method === 'POST' && /^\/api\/instances(\/[^/]+\/clone)?$/.test(request.path)) state.instanceIds.push(body.id);
  if (request.method === 'POST' && /\/(runs|rerun)$/.test(request.path)) state.runIds.push(body.id);
  if (request.method === 'POST' && request.path === '/api/experiments' && body.experiment) state.experiments.push(body.experiment.name);
  if (request.method === 'POST' && request.path === '/api/sweeps') {
    state.instanceIds.push(...body.instances.map((instance: { id: string }) => instance.id));
    state.runIds.push(...body.runs.map((run: { id: string }) => run.id));
  }
  if (request.method === 'DELETE' && body.deleted) state.instanceIds = state.instanceIds.filter((id) => id !== body.deleted);
}

const shown = (request: FuzzRequest) => {
  const body = typeof request.body === 'string' ? request.body : request.body ? `bytes ${Buffer.from(request.body).toString('hex')}` : '';
  return `${request.method} ${request.path.slice(0, 300)} ${body.slice(0, 300)}`;
};

async function fuzz(ctx: ServerContext, runs: number, problems: unknown[]): Promise<void> {
  const fixture = await readFile(FIXTURE, 'utf8');
  assert.is((await ctx.api('POST', '/api/experiments', { file: 'fuzz_fixture.ts' })).status, 201);
  const saved = await ctx.api('PUT', '/api/experiments/fuzz_fixture/source', { source: fixture });
  assert.is(saved.body.experiment?.error, undefined, 'the fuzz fixture loads');
  // kernel_fixture is left out: some of its modes run for a minute or exhaust memory.
  const state: FuzzState = { instanceIds: [], runIds: [], experiments: ['my_experiment', 'fuzz_fixture'] };
  const routes = apiRoutes();
  for (let round = 0; round < roundsFor(runs); round++) {
    for (const [index, spec] of routes.entries()) await checkRoute(ctx, spec, state, problems, { seed: SEED + round * 1000 + index, numRuns: PER_ROUTE });
  }
  assert.is((await ctx.api('GET', '/api/experiments')).status, 200, 'the server still answers');
}

/** Whether `stored` holds everything in `sent` (defaults may add fields), exactly. */
function holds(stored: unknown, sent: unknown): boolean {
  if (Array.isArray(sent)) return Array.isArray(stored) && stored.length === sent.length && sent.every((item, i) => holds(stored[i], item));
  if (sent !== null && typeof sent === 'object') {
    if (stored === null || typeof stored !== 'object') return false;
    return Object.entries(sent).every(([key, value]) => Object.hasOwn(stored, key) && holds((stored as Record<string, unknown>)[key], value));
  }
  return stored === sent;
}

const INSTANCE_WRITE = /^(POST \/api\/instances(\/[^/]+\/clone)?|PATCH \/api\/instances\/[^/]+)$/;

/**
 * An instance write that succeeded stored what was sent, as sent: nothing replaced (U+FFFD),
 * nothing lost. One known exception: PGlite 0.4's protocol reader decodes each text value
 * with a default TextDecoder, which drops a leading U+FEFF (the value is stored whole;
 * Postgres through node-postgres reads it back intact).
 */
function checkStored(request: FuzzRequest, answer: Answer, where: string, backend: string): void {
  if (answer.status >= 300 || typeof request.body !== 'string' || !INSTANCE_WRITE.test(`${request.method} ${request.path}`)) return;
  const sent = JSON.parse(request.body);
  const stored = JSON.parse(answer.text);
  const readBack = (value: string) => (backend === 'pglite' && value.startsWith('\uFEFF') ? value.slice(1) : value);
  if (typeof sent.name === 'string') assert.is(stored.name, sent.name.trim(), `the name stored differs from the one sent: ${where}`);
  if (typeof sent.description === 'string') assert.is(stored.description, readBack(sent.description), `the description stored differs: ${where}`);
  if (sent.configuration) assert.ok(holds(stored.configuration, sent.configuration), `the configuration stored differs: ${where}`);
}

/** One request, checked: never a 5xx or a crash; a 4xx is `{error, code}` and, for a write, changed nothing. */
async function checkRequest(ctx: ServerContext, route: string, request: FuzzRequest, state: FuzzState, problems: unknown[]) {
  const writes = request.method !== 'GET' && request.method !== 'HEAD';
  const before = writes ? await snapshot(ctx) : undefined;
  const answer = await send(ctx.base, request);
  const where = `${route}: ${shown(request)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status < 500, `a 5xx for ${where}`);
  assert.equal(problems, [], `the workbench logged an internal error or threw for ${where}`);
  // 431: Node's parser refuses a URL over 16 KiB with a bare status, before the workbench sees it.
  if (answer.status >= 400 && request.method !== 'HEAD' && answer.status !== 431) {
    let body: { error?: unknown; code?: unknown } = {};
    try {
      body = JSON.parse(answer.text);
    } catch {
      /* asserted below */
    }
    assert.ok(typeof body.error === 'string' && body.error !== '' && typeof body.code === 'string', `an error without {error, code}: ${where}`);
    if (before) {
      const active = activeRuns(before);
      assert.equal(comparable(await snapshot(ctx), active), comparable(before, active), `a refused write changed something: ${where}`);
    }
  }
  checkStored(request, answer, where, ctx.workbench.database.kind);
  remember(state, request, answer);
}

async function checkRoute(ctx: ServerContext, spec: RouteSpec, state: FuzzState, problems: unknown[], options: { seed: number; numRuns: number }) {
  const property = fc.asyncProperty(spec.request(state), (request) => checkRequest(ctx, spec.route, request, state, problems));
  // fc.check, not fc.assert: its report would print the whole counterexample (100,000-character strings).
  const details = await fc.check(property, { ...options, endOnFailure: true });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${spec.route} (seed ${details.seed}, run ${details.numRuns}): ${cause.slice(0, 2000)}`);
  }
}

function fuzzSuite(name: string, runs: number, database: () => Promise<{ spec: string; drop(): Promise<void> }>) {
  const requests = roundsFor(runs) * apiRoutes().length * PER_ROUTE;
  const test = suite(`HTTP API fuzzing (${name}, ${requests} requests over ${apiRoutes().length} routes, seed ${SEED})`);
  test('never a 5xx, never a crash, a refused write changes nothing', async () => {
    const problems: unknown[] = [];
    const crash = (error: unknown) => problems.push(error);
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
    const db = await database();
    try {
      await withServer((ctx) => fuzz(ctx, runs, problems), { workbench: { database: db.spec }, server: { log: crash } });
    } finally {
      process.off('uncaughtException', crash);
      process.off('unhandledRejection', crash);
      await db.drop();
    }
  });
  test.run();
}

fuzzSuite('memory', RUNS, async () => ({ spec: 'memory', drop: async () => {} }));
fuzzSuite('pglite', Math.ceil(RUNS / 2), async () => {
  const { dir, remove } = await createPgliteFolder({ migrated: true });
  return { spec: `pglite:${dir}`, drop: remove };
});
const postgresUrl = requirePostgresUrl('HTTP API fuzzing (postgres)');
if (postgresUrl) {
  fuzzSuite('postgres', Math.ceil(RUNS / 2), async () => {
    const { url, drop } = await createScratchSchema(postgresUrl);
    return { spec: url, drop };
  });
}
