/**
 * Every route of the HTTP API (core/http/api-routes.ts, the README's list, and the event
 * stream) as a generator of requests: its path parameters, query and body, each valid,
 * valid with one fault, or wrong all over. Ids and names are drawn from what the fuzzed
 * workbench holds when a request is generated, so requests reach real instances and runs.
 */
import fc from 'fast-check';
import {
  anyOf, bodyOf, encodedBody, intText, json, number, orWrong, percentEncode, queryOf, segment, text, validText, type EncodedBody,
} from './api-fuzz-values.ts';

/** What the workbench under test holds; the fuzz suite updates it after each success. */
export interface FuzzState {
  instanceIds: string[];
  runIds: string[];
  experiments: string[];
}

export interface FuzzRequest extends EncodedBody {
  method: string;
  path: string;
}

export interface RouteSpec {
  /** `METHOD /api/path/:param`, as the README lists it. */
  route: string;
  request(state: FuzzState): fc.Arbitrary<FuzzRequest>;
}

/** One of `values` when there are any, else a fresh UUID. */
const oneOf = (values: () => string[]) => fc.constant(null).chain(() => (values().length ? fc.constantFrom(...values()) : fc.uuid()));

/**
 * The start of an id, as people give a run's: 1 to 36 of its characters (under 8 is refused,
 * 8 or more names it), sometimes upper-cased or without its hyphens.
 */
const prefixOf = (ids: () => string[]) =>
  fc.tuple(oneOf(ids), fc.integer({ min: 1, max: 36 }), fc.constantFrom('as is', 'upper', 'no hyphens')).map(([id, length, form]) => {
    const start = id.slice(0, length);
    return form === 'upper' ? start.toUpperCase() : form === 'no hyphens' ? start.replace(/-/g, '') : start;
  });

/**
 * An id: one the workbench holds `known` times in 8 (for a run, whole or a prefix of it),
 * else another kind's or a UUID; any text sometimes.
 */
const idOf = (state: FuzzState, kind: 'instance' | 'run', known = 6) => {
  const mine = kind === 'instance' ? () => state.instanceIds : () => state.runIds;
  const other = kind === 'instance' ? () => state.runIds : () => state.instanceIds;
  const held = kind === 'run' ? fc.oneof({ weight: 2, arbitrary: oneOf(mine) }, { weight: 1, arbitrary: prefixOf(mine) }) : oneOf(mine);
  return segment(fc.oneof({ weight: known, arbitrary: held }, { weight: 8 - known, arbitrary: fc.oneof(oneOf(other), fc.uuid()) }));
};

const fileName = fc.oneof(
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/), fc.constantFrom('.ts', '.mts', '.js', '.mjs', '')).map(([stem, ext]) => `fz_${stem}${ext}`),
  fc.constantFrom('../outside.ts', '/abs.ts', 'x.d.ts', 'x.test.ts', '.hidden.ts', 'node_modules/x.ts', 'a/b/../c.ts', 'x.py', `${'a'.repeat(250)}.ts`, `${'é'.repeat(200)}.ts`),
  text,
);

/** A valid configuration of fuzz_fixture (fields left out take their defaults). */
const validConfiguration = fc.record(
  {
    count: fc.integer({ min: 0, max: 1000 }),
    rate: fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
    label: fc.string({ unit: 'grapheme', maxLength: 20 }),
    notes: fc.string({ unit: 'grapheme', maxLength: 40 }),
    mode: fc.constantFrom('a', 'b'),
    flag: fc.boolean(),
    items: fc.array(fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 10 }) }), { maxLength: 5 }),
    nested: fc.record({ depth: fc.integer() }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** A configuration for fuzz_fixture: valid, with one fault, or wrong all over. */
const configuration = anyOf(
  validConfiguration,
  bodyOf({
    count: orWrong(fc.integer({ min: -5, max: 1005 })),
    rate: orWrong(fc.double({ min: -1, max: 2, noNaN: true })),
    label: orWrong(text),
    mode: orWrong(fc.constantFrom('a', 'b', 'c')),
    items: orWrong(fc.array(bodyOf({ text: orWrong(text) }), { maxLength: 6 })),
    nested: orWrong(bodyOf({ depth: orWrong(number) })),
  }),
);

const experimentName = (state: FuzzState) => fc.oneof({ weight: 3, arbitrary: oneOf(() => state.experiments) }, { weight: 1, arbitrary: text });

function request(method: string, path: fc.Arbitrary<string>, body?: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzRequest> {
  const encoded = body ? encodedBody(body) : fc.constant({});
  return fc.tuple(path, encoded).map(([p, b]) => ({ method, path: p, ...b }));
}

const at = (parts: fc.Arbitrary<string>[], join: (...values: string[]) => string) => fc.tuple(...parts).map((values) => join(...values));

/** A runs-table query: sort, columns, limit, cursor and repeated filters, valid or not. */
const runsTableQuery = fc
  .tuple(
    queryOf({
      sort: fc.oneof(
        fc.constantFrom('metrics.rate', 'metrics.rate:desc', 'startedAt', 'duration:desc', 'config.count', 'config.nested.depth:asc', 'config.mode:desc', 'instance', 'status', 'run:asc', 'colour', 'metrics.', 'config.', ':desc', 'config.a..b'),
        text,
      ),
      columns: fc.oneof(fc.constantFrom('metrics.rate,config.count', 'config.', 'run,status', '', ',', 'metrics.x.y'), text),
      limit: intText,
      // A cursor of another sort, one whose value is not a number, and any text.
      cursor: fc.oneof(fc.constantFrom(
        Buffer.from(JSON.stringify(['metrics.rate:asc', '0.5', '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
        Buffer.from(JSON.stringify(['startedAt:desc', 'abc', '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
        Buffer.from(JSON.stringify(['startedAt:desc', null, '00000000-0000-4000-8000-000000000000'])).toString('base64url'),
      ), text),
    }),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          'status=completed', 'status=failed|pending', 'status!=running', 'status=done', 'instance=x', 'config.count>=3', 'config.mode=a|b',
          'config.label<1', 'config.count!=', 'metrics.rate<0.5', 'metrics.rate>=1e3', 'metrics.x<y', 'metrics.a<b<3', 'metrics.v=1e999', 'colour=red', '=',
        ),
        text,
      ),
      { maxLength: 4 },
    ),
  )
  .map(([query, filters]) => filters.reduce((q, filter) => `${q}${q ? '&' : '?'}filter=${percentEncode(filter)}`, query));

function experimentRoutes(): RouteSpec[] {
  const name = (state: FuzzState) => segment(oneOf(() => state.experiments));
  const newExperiment = anyOf(fc.record({ file: fileName, name: fc.stringMatching(/^fz_[a-z0-9_]{1,12}$/) }, { requiredKeys: ['file'] }), bodyOf({ file: orWrong(text), name: orWrong(text) }));
  return [
    { route: 'GET /api/health', request: () => request('GET', queryOf({ x: text }).map((q) => `/api/health${q}`)) },
    { route: 'GET /api/agent-actions', request: () => request('GET', queryOf({ limit: intText, cursor: fc.oneof(validText, text) }).map((q) => `/api/agent-actions${q}`)) },
    { route: 'GET /api/experiments', request: () => request('GET', queryOf({ x: text }).map((q) => `/api/experiments${q}`)) },
    { route: 'POST /api/experiments', request: () => request('POST', fc.constant('/api/experiments'), newExperiment) },
    { route: 'GET /api/experiments/:name', request: (s) => request('GET', name(s).map((n) => `/api/experiments/${n}`)) },
    { route: 'GET /api/experiments/:name/validator.js', request: (s) => request('GET', name(s).map((n) => `/api/experiments/${n}/validator.js`)) },
    { route: 'GET /api/experiments/:name/source', request: (s) => request('GET', name(s).map((n) => `/api/experiments/${n}/source`)) },
    { route: 'GET /api/experiments/:name/runs', request: (s) => request('GET', at([name(s), runsTableQuery], (n, q) => `/api/experiments/${n}/runs${q}`)) },
    {
      // Only my_experiment's source is overwritten: fuzz_fixture must keep loading.
      route: 'PUT /api/experiments/:name/source',
      request: () => request('PUT', segment(fc.constant('my_experiment')).map((n) => `/api/experiments/${n}/source`), anyOf(fc.record({ source: text }), bodyOf({ source: json }))),
    },
  ];
}

function instanceRoutes(): RouteSpec[] {
  const base = (s: FuzzState, known?: number) => idOf(s, 'instance', known).map((id) => `/api/instances/${id}`);
  const newInstance = (s: FuzzState) =>
    anyOf(
      fc.record({ experiment: fc.constant('fuzz_fixture'), name: validText, description: validText, configuration: validConfiguration }, { requiredKeys: ['experiment', 'name'] }),
      bodyOf({ experiment: orWrong(experimentName(s)), name: orWrong(text), description: orWrong(text), configuration }),
    );
  const changes = anyOf(fc.record({ name: validText, description: validText, configuration: validConfiguration }, { requiredKeys: [] }), bodyOf({ name: json, description: json, configuration }));
  const clone = anyOf(fc.record({ name: validText, configuration: validConfiguration }, { requiredKeys: [] }), bodyOf({ name: json, configuration }));
  const runsQuery = queryOf({ limit: intText, cursor: text, status: fc.oneof(fc.constantFrom('pending', 'completed', 'failed'), text) });
  const versionsQuery = queryOf({ limit: intText, cursor: intText });
  const version = segment(fc.oneof(fc.integer({ min: 1, max: 4 }).map(String), intText));
  return [
    {
      route: 'GET /api/instances',
      request: (s) =>
        request(
          'GET',
          queryOf({
            experiment: experimentName(s),
            q: fc.oneof(validText, text),
            sort: fc.oneof(fc.constantFrom('activity', 'name', 'created'), text),
            limit: intText,
            cursor: fc.oneof(text, fc.constantFrom('WyJuYW1lIiwiYSIsImIiLCJjIixudWxsXQ', 'W10')),
          }).map((q) => `/api/instances${q}`),
        ),
    },
    { route: 'POST /api/instances', request: (s) => request('POST', fc.constant('/api/instances'), newInstance(s)) },
    { route: 'GET /api/instances/:id', request: (s) => request('GET', base(s)) },
    { route: 'PATCH /api/instances/:id', request: (s) => request('PATCH', base(s), changes) },
    // A deletion reaches a real instance an eighth of the time, so the others build up.
    { route: 'DELETE /api/instances/:id', request: (s) => request('DELETE', base(s, 1)) },
    { route: 'POST /api/instances/:id/clone', request: (s) => request('POST', base(s).map((p) => `${p}/clone`), clone) },
    { route: 'GET /api/instances/:id/runs', request: (s) => request('GET', at([base(s), runsQuery], (p, q) => `${p}/runs${q}`)) },
    { route: 'GET /api/instances/:id/versions', request: (s) => request('GET', at([base(s), versionsQuery], (p, q) => `${p}/versions${q}`)) },
    { route: 'GET /api/instances/:id/versions/:version', request: (s) => request('GET', at([base(s), version], (p, v) => `${p}/versions/${v}`)) },
    {
      // Runs cost a process each: a third of these reach an instance.
      route: 'POST /api/instances/:id/runs',
      request: (s) => request('POST', base(s, 3).map((p) => `${p}/runs`), anyOf(fc.record({ timeoutMs: fc.integer({ min: 1000, max: 60_000 }) }, { requiredKeys: [] }), bodyOf({ timeoutMs: number }))),
    },
  ];
}

function runRoutes(): RouteSpec[] {
  const base = (s: FuzzState, known?: number) => idOf(s, 'run', known).map((id) => `/api/runs/${id}`);
  const levels = fc.oneof(fc.constantFrom('info', 'warn,error', 'debug,info,warn,error', 'loud', ',', ''), text);
  const logs = queryOf({ after: intText, level: levels, limit: intText });
  const results = queryOf({ view: fc.oneof(fc.constantFrom('latest', 'series'), text), key: text, after: intText, limit: intText });
  const series = queryOf({
    key: fc.oneof(fc.constantFrom('rate', 'label', 'missing'), text),
    points: fc.oneof(fc.constantFrom('2', '3', '1', '10000', '10001', '1000'), intText),
    x: fc.oneof(fc.constantFrom('step', 'time', 'epoch'), text),
  });
  const format = queryOf({ format: fc.oneof(fc.constantFrom('json', 'csv', 'xml'), text), table: fc.oneof(fc.constantFrom('logs', 'results', 'metrics'), text) });
  return [
    { route: 'GET /api/runs/:id', request: (s) => request('GET', base(s)) },
    { route: 'GET /api/runs/:id/logs', request: (s) => request('GET', at([base(s), logs], (p, q) => `${p}/logs${q}`)) },
    { route: 'GET /api/runs/:id/results', request: (s) => request('GET', at([base(s), results], (p, q) => `${p}/results${q}`)) },
    { route: 'GET /api/runs/:id/results/series', request: (s) => request('GET', at([base(s), series], (p, q) => `${p}/results/series${q}`)) },
    { route: 'POST /api/runs/:id/cancel', request: (s) => request('POST', base(s).map((p) => `${p}/cancel`), fc.option(json)) },
    {
      route: 'POST /api/runs/:id/rerun',
      request: (s) => request('POST', base(s, 3).map((p) => `${p}/rerun`), fc.option(anyOf(fc.record({ code: fc.constantFrom('current', 'snapshot') }, { requiredKeys: [] }), bodyOf({ code: json })))),
    },
    { route: 'GET /api/runs/:id/source', request: (s) => request('GET', base(s).map((p) => `${p}/source`)) },
    {
      route: 'GET /api/code/:hash',
      request: () => request('GET', fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), segment(text)).map((hash) => `/api/code/${hash}`)),
    },
    { route: 'GET /api/runs/:id/export', request: (s) => request('GET', at([base(s), format], (p, q) => `${p}/export${q}`)) },
    {
      route: 'GET /api/events',
      request: (s) =>
        request(
          'GET',
          fc
            .oneof(
              queryOf({ run: fc.oneof(oneOf(() => s.runIds), prefixOf(() => s.runIds), text), instance: fc.oneof(oneOf(() => s.instanceIds), text) }),
              queryOf({ topics: fc.oneof(fc.constantFrom('runs', 'runs,instances,experiments', 'all', 'run:abc', 'instance:', 'logs', ''), oneOf(() => s.runIds.map((id) => `run:${id}`)), text) }),
            )
            .map((q) => `/api/events${q}`),
        ),
    },
  ];
}

/** A grid for fuzz_fixture: a field or two of its own, one or two values each (at most 4 runs), or wrong. */
const grid = anyOf(
  fc
    .shuffledSubarray(
      [
        ['count', fc.integer({ min: 0, max: 1000 })],
        ['rate', fc.integer({ min: 0, max: 10 }).map((n) => n / 10)],
        ['label', fc.string({ unit: 'grapheme', maxLength: 10 })],
        ['mode', fc.constantFrom('a', 'b')],
        ['flag', fc.boolean()],
        ['nested.depth', fc.integer({ min: -5, max: 5 })],
      ] as [string, fc.Arbitrary<unknown>][],
      { minLength: 1, maxLength: 2 },
    )
    .chain((fields) =>
      fc.tuple(...fields.map(([, values]) => fc.uniqueArray(values, { minLength: 1, maxLength: 2, selector: (v) => JSON.stringify(v) }))).map((lists) =>
        Object.fromEntries(fields.map(([field], i) => [field, lists[i]])),
      ),
    ),
  bodyOf({ count: orWrong(fc.array(number, { maxLength: 3 })), rate: orWrong(fc.array(json, { maxLength: 3 })), 'nested.depth': json, nested: json, items: json }),
);

function comparisonRoutes(): RouteSpec[] {
  const validSweep = fc.record(
    { experiment: fc.constant('fuzz_fixture'), name: validText, description: validText, configuration: validConfiguration, grid },
    { requiredKeys: ['experiment', 'name', 'grid'] },
  );
  // Valid more often than other bodies: a sweep that is created gives the comparisons their runs.
  const newSweep = (s: FuzzState) =>
    fc.oneof(
      { weight: 1, arbitrary: validSweep },
      { weight: 2, arbitrary: anyOf(validSweep, bodyOf({ experiment: orWrong(experimentName(s)), name: orWrong(text), configuration, grid: orWrong(grid) })) },
    );
  const runId = (s: FuzzState) => fc.oneof({ weight: 4, arbitrary: oneOf(() => s.runIds) }, { weight: 1, arbitrary: prefixOf(() => s.runIds) }, { weight: 1, arbitrary: text });
  // 2 to 4 different known runs. A unique array asked for more values than there are loops for
  // ever (the CI hang of stop 21, once a round had one run id): fewer than 2 known, fresh uuids.
  const distinctRuns = (s: FuzzState) =>
    fc.constant(null).chain(() => {
      const known = [...new Set(s.runIds)];
      return known.length >= 2
        ? fc.uniqueArray(fc.constantFrom(...known), { minLength: 2, maxLength: Math.min(4, known.length) })
        : fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 4 });
    });
  const runList = (s: FuzzState) =>
    fc.oneof(
      { weight: 4, arbitrary: distinctRuns(s).map((ids) => ids.join(',')) },
      { weight: 2, arbitrary: fc.array(runId(s), { minLength: 2, maxLength: 4 }).map((ids) => ids.join(',')) },
      { weight: 1, arbitrary: fc.array(runId(s), { minLength: 0, maxLength: 22 }).map((ids) => ids.join(',')) },
      { weight: 1, arbitrary: text },
    );
  return [
    // Sweeps start runs (a process each): their grids stay small.
    { route: 'POST /api/sweeps', request: (s) => request('POST', fc.constant('/api/sweeps'), newSweep(s)) },
    {
      route: 'GET /api/compare',
      request: (s) => request('GET', queryOf({ runs: runList(s), baseline: runId(s), points: intText }).map((q) => `/api/compare${q}`)),
    },
  ];
}

/** Requests outside the table: unknown paths under /api and methods no route takes. */
const strayRoute: RouteSpec = {
  route: 'any other method or path under /api',
  request: (s) =>
    fc.oneof(
      request('GET', at([segment(text), segment(text)], (a, b) => `/api/${a}/${b}`)),
      request('DELETE', fc.constantFrom('/api/experiments', '/api/runs', '/api', '/api/experiments/my_experiment/source')),
      request('PUT', idOf(s, 'instance').map((id) => `/api/instances/${id}`), json),
      request('OPTIONS', fc.constant('/api/instances')),
      request('HEAD', fc.constant('/api/experiments')),
    ),
};

/** Every route, each a request generator. */
export function apiRoutes(): RouteSpec[] {
  return [...experimentRoutes(), ...instanceRoutes(), ...runRoutes(), ...comparisonRoutes(), strayRoute];
}
