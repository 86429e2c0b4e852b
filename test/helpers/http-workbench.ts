/**
 * A real workbench behind a real HTTP server on a free port, over a temporary copy of
 * test experiments, for API tests. `withServer` always closes both and removes the folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../core/http/http-server.ts';
import { createWorkbench, type Workbench, type WorkbenchOptions } from '../../core/workbench.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A temporary experiments folder inside the package (so `import 'athanor'` resolves), with
 * kernel_fixture, my_experiment and each of `fixtures` (paths from the package's root).
 * It holds the definitions cache a workbench kept for the same files before, when this test
 * run has one (see `keepDefinitions`): it starts as `athanor dev` does on a folder it has
 * loaded before, without a loader process.
 */
export async function tempExperimentsDir(fixtures: readonly string[] = []): Promise<string> {
  await mkdir(join(ROOT, 'test-output'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'test-output', 'exp-'));
  for (const file of ['test/fixtures/kernel/kernel_fixture.ts', 'experiments/my_experiment.ts', ...fixtures]) {
    await cp(join(ROOT, file), join(dir, basename(file)));
  }
  const kept = await readFile(keptDefinitionsFile(fixtures), 'utf8').catch(() => undefined);
  if (kept) {
    await mkdir(join(dir, '.athanor'), { recursive: true });
    await writeFile(join(dir, '.athanor', 'definitions.json'), kept);
  }
  return dir;
}

/** Where the definitions of a fixture set are kept for the run's other folders (the runner's shared folder, else test-output/). */
function keptDefinitionsFile(fixtures: readonly string[]): string {
  const key = createHash('sha256').update(fixtures.join('\0')).digest('hex').slice(0, 16);
  return join(process.env.ATHANOR_TEST_SHARED ?? join(ROOT, 'test-output'), `definitions-${key}.json`);
}

/** Keeps the definitions cache of `dir` (made by `tempExperimentsDir(fixtures)`) for the next folders of the same files. */
async function keepDefinitions(dir: string, fixtures: readonly string[]): Promise<void> {
  const target = keptDefinitionsFile(fixtures);
  const made = await readFile(join(dir, '.athanor', 'definitions.json'), 'utf8').catch(() => undefined);
  // Kept unless it is already there (a stale one, from fixtures since edited, is replaced).
  if (made === undefined || made === (await readFile(target, 'utf8').catch(() => undefined))) return;
  // Renamed into place: a process reading it never sees half a file.
  const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, made);
  await rename(temporary, target).catch(() => rm(temporary, { force: true }));
}

export interface ServerContext {
  workbench: Workbench;
  server: HttpServer;
  base: string;
  /** fetch() against the server, JSON in and out. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function withServer<T>(
  fn: (context: ServerContext) => Promise<T>,
  options: {
    workbench?: Partial<WorkbenchOptions>;
    server?: Partial<Omit<HttpServerOptions, 'workbench'>>;
    /** More experiment files to serve (paths from the package's root, e.g. `test/fixtures/compare/sweep_fixture.ts`). */
    fixtures?: readonly string[];
  } = {},
): Promise<T> {
  const profile = process.env.ATHANOR_TEST_PROFILE ? { at: callerInTests(), started: performance.now() } : undefined;
  const experimentsDir = await tempExperimentsDir(options.fixtures);
  // No warm run host: most test workbenches never run, and one that does starts a real run
  // process when the run launches; a host started and killed unused cost ~0.9 CPU-s each.
  // Definitions cached as `athanor dev` keeps them, and no watcher unless a test asks: its
  // folder changes only through the API (which reloads what it writes), and a watched folder
  // starts a loader process for an edit that never comes.
  const workbench = await createWorkbench({ experimentsDir, database: 'memory', dispatcher: { warm: 0 }, cacheDefinitions: true, watch: false, ...options.workbench });
  let server: HttpServer | undefined;
  try {
    await keepDefinitions(experimentsDir, options.fixtures ?? []);
    server = await startHttpServer({ workbench, port: 0, log: () => {}, ...options.server });
    const base = `http://127.0.0.1:${server.port}`;
    const api: ServerContext['api'] = async (method, path, body, headers = {}) => {
      const send = () =>
        fetch(base + path, {
          method,
          headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
      // A kept-alive socket the server closes as the next request goes out fails that fetch
      // ("fetch failed"): a GET, which changes nothing, is sent once more, and so is any
      // request the socket lost before it was read (the server closed it idle).
      const lostUnread = (error: { cause?: { code?: string } }) => ['UND_ERR_SOCKET', 'ECONNRESET'].includes(error?.cause?.code ?? '');
      const response = await send().catch((error) => (method === 'GET' || lostUnread(error) ? send() : Promise.reject(error)));
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    };
    return await fn({ workbench, server, base, api });
  } finally {
    await server?.close();
    await workbench.close();
    await rm(experimentsDir, { recursive: true, force: true });
    if (profile) await appendFile(process.env.ATHANOR_TEST_PROFILE!, `${((performance.now() - profile.started) / 1000).toFixed(2)}\t${profile.at}\n`);
  }
}

/** `file:line` of the test file that called (ATHANOR_TEST_PROFILE=FILE: each workbench's seconds, to find the slow tests). */
function callerInTests(): string {
  const frame = new Error().stack?.split('\n').find((line) => /\.test\.ts:\d+/.test(line));
  return frame?.match(/test\/([^/]+\/)*[^/]+\.test\.ts:\d+/)?.[0] ?? 'unknown';
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request as it is written, to 127.0.0.1:`port`: any `Host`, `Cookie` or `Sec-Fetch-*`
 * header (fetch() sets or forbids those), no redirect followed.
 */
export function rawRequest(port: number, options: RawRequest): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
