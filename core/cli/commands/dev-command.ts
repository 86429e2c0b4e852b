/**
 * `athanor dev`: the workbench — storage, experiments with hot reload, the supervisor
 * (recovering crashed runs), the API, live events and the UI — until Ctrl-C or SIGTERM,
 * which cancel active runs through the ladder, flush them and exit 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startHttpServer } from '../../http/http-server.ts';
import { isLoopback } from '../../http/request-guard.ts';
import { createWorkbench } from '../../workbench.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { InputError } from '../../errors.ts';

export const DEV_USAGE = 'athanor dev [--port 4000] [--host 127.0.0.1] [--token TOKEN] [--open] [--experiments DIR] [--db SPEC]';
export const SERVE_USAGE = 'athanor serve [same options as dev]: the workbench without watching experiment files';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(command, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
}

/** `dev` watches and hot-reloads the experiments; `serve` (production) loads them once. */
export async function devCommand(args: string[], out: (line: string) => void, mode: 'dev' | 'serve' = 'dev'): Promise<number> {
  const { values } = parseCommandArgs(args, {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string' },
    open: { type: 'boolean', default: false },
  });
  if (values.help) {
    out(mode === 'dev' ? DEV_USAGE : SERVE_USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port must be 0 to 65535, got ${JSON.stringify(values.port)}`);
  const host = values.host as string;
  const token = (values.token as string | undefined) ?? (isLoopback(host) ? undefined : randomBytes(24).toString('base64url'));
  const workbench = await createWorkbench({ experimentsDir: values.experiments, database: values.db, watch: mode === 'dev' });
  const server = await startHttpServer({ workbench, host, port, token }).catch(async (error) => {
    await workbench.close();
    throw error;
  });
  if (workbench.recovered.length) out(`ended ${workbench.recovered.length} run(s) left active by a workbench that stopped`);
  out(`athanor workbench: ${server.url}`);
  out(`experiments: ${workbench.experimentsDir} (${workbench.registry.list().length} found) · database: ${workbench.database.kind}`);
  if (values.open) openBrowser(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out('stopping: cancelling active runs…');
  await server.close();
  await workbench.close();
  out('stopped');
  return 0;
}
