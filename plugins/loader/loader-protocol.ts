/**
 * Messages between the workbench and its definition loader process (Node IPC, JSON).
 * The parent sends `load` requests; the child answers each with `loaded`, and sends a
 * `heartbeat` while its event loop runs (a silent child is busy-looping, not waiting).
 */
import type { DefinitionData } from '../../core/experiment/index.ts';
import type { ExperimentError } from '../registry/registry-types.ts';

/** Bumped when a message changes shape. */
export const LOADER_PROTOCOL_VERSION = 1;

/** What loading one module found. */
export type LoadResult =
  /** It exports `experiment()` and `run()`, and the definition resolved. */
  | { kind: 'experiment'; definition: DefinitionData }
  /** It exports neither: a helper module. */
  | { kind: 'helper' }
  /** It failed to load, or exports only one of the two, or its definition is invalid. */
  | { kind: 'error'; error: ExperimentError };

/** Parent → child. */
export type LoaderRequest = {
  type: 'load';
  id: number;
  /** Absolute path of the module. */
  file: string;
};

/** Child → parent. */
export type LoaderReply =
  | { type: 'ready'; version: number; pid: number }
  | { type: 'heartbeat'; rss: number }
  | { type: 'loaded'; id: number; rss: number; result: LoadResult };

/** Settings the child reads from its environment at start. */
export interface LoaderChildSettings {
  /** The experiments folder (absolute): errors name files relative to it. */
  root: string;
  /** Milliseconds between heartbeats. */
  heartbeatMs: number;
}

/** The environment variable carrying {@link LoaderChildSettings} as JSON. */
export const LOADER_SETTINGS_ENV = 'ATHANOR_LOADER_SETTINGS';
