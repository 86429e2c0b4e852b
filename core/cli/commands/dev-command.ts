/**
 * `athanor dev`: the workbench — storage, experiments with hot reload, the supervisor
 * (recovering crashed runs), the API, live events and the UI — until Ctrl-C or SIGTERM,
 * which cancel active runs through the ladder, flush them and exit 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startHttpServer } from '../../http/http-server.ts';
import { isAnyAddress, isLoopback, normalizeOrigin } from '../../http/request-guard.ts';
import { buildUi, createBuiltUi, createDevUi, hasBuiltUi, type UiAssets } from '../../http/ui-assets.ts';
import { createWorkbench, RUNS_MODES, type RunsMode } from '../../workbench.ts';
import { checkExperimentsFolder } from '../../../plugins/discovery/experiments-folder.ts';
import { parseDatabaseSpec, resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { advertiseWorkbench } from '../../../storage/backends/pglite-lock.ts';
import { parseCommandArgs, refuseArguments } from '../cli-args.ts';
import { PARENT_ENDED, untilStopSignal } from '../stop-signal.ts';
import { listeningOn, openingDatabase } from '../environment-error.ts';
import { InputError } from '../../errors.ts';

import { DEV_HELP } from '../usage.ts';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(command, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
}

/** The origin commands on this machine reach the server at: one bound to every interface answers on loopback. */
function localOrigin(host: string, port: number): string {
  const reachable = isAnyAddress(host) ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/**
 * Writes the workbench's address and token into the lock of the pglite folder it holds, so
 * that `athanor run` beside it hands its run over instead of failing on the lock.
 */
async function advertise(database: string, address: { url: string; token?: string; experimentsDir: string }, out: (line: string) => void) {
  const parsed = parseDatabaseSpec(database);
  if (parsed.kind !== 'pglite') return;
  await advertiseWorkbench(parsed.dir, address).catch((error: Error) =>
    out(`could not write this workbench's address into ${parsed.dir}'s lock (${error.message}): \`athanor run\` beside it will say the database is in use`),
  );
}

/** `dev` serves the UI from source through Vite; `serve` the built files, building them once if missing. */
/** Whether athanor runs from its TypeScript sources (a checkout), not the compiled package. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * `dev` in a checkout serves the UI from source through Vite (working on athanor's own UI);
 * everywhere else the built UI, which the package ships: no Vite start, no dependency scan.
 */
async function openUi(mode: 'dev' | 'serve', out: (line: string) => void): Promise<UiAssets> {
  if (mode === 'dev' && FROM_SOURCES) return createDevUi();
  if (!(await hasBuiltUi())) {
    out('building the UI (once)…');
    await buildUi();
  }
  return createBuiltUi();
}

/** The pool's beat from `ATHANOR_POOL_HEARTBEAT_MS` (tests and benches shorten it; workers take `--heartbeat`). */
function poolHeartbeat(): { poolHeartbeatMs?: number } {
  const value = process.env.ATHANOR_POOL_HEARTBEAT_MS;
  if (value === undefined || value === '') return {};
  const ms = Number(value);
  if (!(Number.isInteger(ms) && ms >= 100 && ms <= 600_000)) throw new InputError(`ATHANOR_POOL_HEARTBEAT_MS must be 100 to 600000 (ms), got ${JSON.stringify(value)}`);
  return { poolHeartbeatMs: ms };
}

/** `dev` watches and hot-reloads the experiments; `serve` (production) loads them once. */
export async function devCommand(args: string[], out: (line: string) => void, mode: 'dev' | 'serve' = 'dev'): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string' },
    open: { type: 'boolean', default: false },
    'allow-origin': { type: 'string', multiple: true, default: [] },
    'database-outage': { type: 'string', default: '60' },
    runs: { type: 'string' },
  });
  if (values.help) {
    out(DEV_HELP);
    return 0;
  }
  refuseArguments(mode, positionals, { readsExperiments: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port must be 0 to 65535, got ${JSON.stringify(values.port)}`);
  // How long runs wait for a database that went away before they fail naming it.
  const outage = Number(values['database-outage']);
  if (!(outage > 0 && outage <= 86_400)) {
    throw new InputError(`--database-outage must be a number of seconds above 0 and at most 86400, got ${JSON.stringify(values['database-outage'])}`);
  }
  const host = values.host as string;
  const token = (values.token as string | undefined) ?? (isLoopback(host) ? undefined : randomBytes(24).toString('base64url'));
  const allowedOrigins = (values['allow-origin'] as string[]).map((origin) => {
    try {
      return normalizeOrigin(origin);
    } catch {
      throw new InputError(`--allow-origin must be an origin such as https://dash.example.com, got ${JSON.stringify(origin)}`);
    }
  });
  const database = resolveDatabaseSpec(values.db);
  await checkExperimentsFolder(values.experiments); // before the database or the UI is made
  // On Postgres the workbench queues its runs and works them too; elsewhere only here.
  const runs = (values.runs as string | undefined) ?? (parseDatabaseSpec(database).kind === 'postgres' ? 'both' : 'local');
  if (!(RUNS_MODES as readonly string[]).includes(runs)) throw new InputError(`--runs must be one of ${RUNS_MODES.join(', ')}, got ${JSON.stringify(runs)}`);
  // The UI and the workbench (database, experiments) open side by side; a failure of either closes the other.
  const [opening, starting] = [
    openUi(mode, out),
    openingDatabase(database, () =>
      createWorkbench({
        experimentsDir: values.experiments,
        database,
        watch: mode === 'dev',
        // Unchanged modules start from the definitions kept by the last command: no loader process on the way to the first page.
        cacheDefinitions: true,
        supervisor: { databaseOutageMs: outage * 1000 },
        runs: runs as RunsMode,
        ...poolHeartbeat(),
      }),
    ),
  ];
  const [ui, workbench] = await Promise.all([opening, starting]).catch(async (error) => {
    await Promise.allSettled([opening.then((opened) => opened.close()), starting.then((started) => started.close())]);
    throw error;
  });
  const server = await listeningOn(host, port, () =>
    startHttpServer({ workbench, host, port, token, allowedOrigins, ui: ui.handler }),
  ).catch(async (error) => {
    await Promise.all([workbench.close(), ui.close()]);
    throw error;
  });
  await advertise(database, { url: localOrigin(host, server.port), ...(token ? { token } : {}), experimentsDir: workbench.experimentsDir }, out);
  if (workbench.recovered.length) out(`ended ${workbench.recovered.length} run(s) left active by a workbench that stopped`);
  out(`athanor workbench: ${server.url}`);
  const experiments = workbench.registry.list();
  out(`experiments: ${workbench.experimentsDir} (${experiments.length} found) · database: ${workbench.database.kind} · runs: ${workbench.runs}`);
  // A broken file is shown in the UI too; the terminal names it, so a folder that loads nothing is seen at once.
  for (const broken of experiments.filter((entry) => entry.error)) {
    out(`  ${broken.file} does not load: ${broken.error!.message.split('\n')[0]}`);
  }
  if (values.open) openBrowser(server.url);
  workbench.databaseMonitor.subscribe((status) =>
    out(
      status.status === 'ok'
        ? 'database: back'
        : `database: unavailable (${status.error}); runs wait up to ${outage} s for it, the API answers 503 meanwhile`,
    ),
  );

  const reason = await untilStopSignal();
  out(`${reason === 'parent' ? `${PARENT_ENDED}; ` : ''}stopping: cancelling active runs…`);
  await server.close();
  await Promise.all([workbench.close(), ui.close()]);
  out('stopped');
  return 0;
}
