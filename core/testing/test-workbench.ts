/**
 * `createTestWorkbench`: a whole workbench for integration tests — the experiments of a
 * folder, in-memory storage, the run kernel and the HTTP API with its live events on a
 * free port of 127.0.0.1 — and one `close()` that stops it all.
 */
import { startHttpServer } from '../http/http-server.ts';
import { createWorkbench, type Workbench } from '../workbench.ts';
import { createInProcessDispatcher } from './in-process-dispatcher.ts';

/** Options of {@link createTestWorkbench}. */
export interface TestWorkbenchOptions {
  /** The experiments folder (default `./experiments`). */
  experimentsDir?: string;
  /** Reload experiments as their files change, as `athanor dev` does (default false: loaded once). */
  watch?: boolean;
  /** Run experiments in this process rather than in child processes (default false; see `runExperiment`). */
  inProcess?: boolean;
}

/** A running in-memory workbench with its HTTP API. */
export interface TestWorkbench {
  /** The server's base URL, without a trailing slash: `${url}/api/experiments`. */
  readonly url: string;
  readonly port: number;
  /** The workbench itself, to act without HTTP: `workbench.experiments.createInstance(…)`, `workbench.bus`. */
  readonly workbench: Workbench;
  /** Stops the server, cancels active runs (through the ladder) and drops the database. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a workbench over pg-mem with the HTTP API on a free port. Close it when done
 * (`await using`, or `close()` in an `after` hook).
 *
 * @example
 * import { createTestWorkbench } from 'athanor/testing';
 *
 * const bench = await createTestWorkbench({ experimentsDir: 'experiments' });
 * try {
 *   const response = await fetch(`${bench.url}/api/experiments`);
 *   const experiments = await response.json();
 *   assert.ok(experiments.some((e) => e.name === 'my_experiment'));
 * } finally {
 *   await bench.close();
 * }
 */
export async function createTestWorkbench(options: TestWorkbenchOptions = {}): Promise<TestWorkbench> {
  const workbench = await createWorkbench({
    experimentsDir: options.experimentsDir ?? 'experiments',
    database: 'memory',
    watch: options.watch ?? false,
    ...(options.inProcess ? { runDispatcher: createInProcessDispatcher() } : {}),
  });
  const server = await startHttpServer({ workbench, host: '127.0.0.1', port: 0, log: () => {} }).catch(async (error: unknown) => {
    await workbench.close();
    throw error;
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await server.close();
      await workbench.close();
    })());
  return { url: `http://127.0.0.1:${server.port}`, port: server.port, workbench, close, [Symbol.asyncDispose]: close };
}
