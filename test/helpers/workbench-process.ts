/**
 * `athanor dev` as a real process, as a user starts it: spawned from the package's
 * bin/athanor.js (athanor-command.ts) on a free port, read until it prints its URL.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { athanorBin, CHECKOUT_BIN } from './athanor-command.ts';

/** How to start the CLI: `permissions: 'enforced'` makes file permissions apply even to root. */
export interface AthanorProcessOptions {
  permissions?: 'enforced';
  /** This checkout's bin/athanor.js rather than the package's (which serves the built UI). */
  checkout?: boolean;
  /** runAthanor: kill the command (SIGKILL) if it has not ended by then; its code is then null. */
  timeoutMs?: number;
}

/**
 * The command line that starts `athanor ARGS…`. Tests run as root, which reads any folder
 * whatever its mode; with `permissions: 'enforced'` a root process drops the two
 * capabilities that let it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, with util-linux
 * `setpriv`), so a `chmod 000` folder answers EACCES as it does for any user.
 */
async function athanorCommand(args: string[], options: AthanorProcessOptions = {}): Promise<[string, string[]]> {
  const node: [string, string[]] = [process.execPath, [options.checkout ? CHECKOUT_BIN : await athanorBin(), ...args]];
  if (options.permissions !== 'enforced' || process.getuid?.() !== 0) return node;
  return ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', node[0], ...node[1]]];
}

export interface WorkbenchProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  api(method: string, path: string, body?: unknown): Promise<any>;
}

export async function startWorkbenchProcess(args: string[], options: AthanorProcessOptions = {}): Promise<WorkbenchProcess> {
  const [command, commandArgs] = await athanorCommand(['dev', '--port', '0', ...args], options);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the workbench did not start within 120 s:\n${output}`)), 120_000);
    const check = () => {
      const found = /athanor workbench: (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!.replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`the workbench exited:\n${output}`)));
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  return { child, url, output: () => output, exited, api };
}

/** Runs `athanor ARGS…` to its end, as a shell would; resolves with its exit code and output. */
export async function runAthanor(args: string[], options: AthanorProcessOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, commandArgs] = await athanorCommand(args, options);
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The processes `pid` started (its run hosts, warm or running), as `ps` lists them now. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** Every process under `pid`, children first. */
export function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

/** Whether a process is alive (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}
