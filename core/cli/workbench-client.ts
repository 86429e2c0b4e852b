/**
 * The CLI's client of a running workbench's HTTP API (the workbench that holds the
 * database, see workbench-handoff.ts): JSON requests carrying its access token, its
 * answers turned into the CLI's errors (a 422 lists the fields, another 4xx is bad input,
 * exit 2), and its live events as a wake-up call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../errors.ts';
import { ConfigValidationError, type ConfigError } from '../experiment/config-errors.ts';
import { EnvironmentError } from './environment-error.ts';

/** How long a request may take before the workbench counts as not answering. */
const REQUEST_TIMEOUT_MS = 30_000;

interface ErrorBody {
  error?: string;
  code?: string;
  errors?: ConfigError[];
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export class WorkbenchClient {
  /** The origin of the workbench (`http://127.0.0.1:4000`). */
  readonly origin: string;
  readonly #token: string | undefined;

  constructor(origin: string, token?: string) {
    this.origin = origin.replace(/\/+$/, '');
    this.#token = token;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}), ...extra };
  }

  async #fetch(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])]);
    const send = () =>
      fetch(this.origin + path, {
        method,
        headers: this.#headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    try {
      // A kept-alive socket the server closed as this request went out fails it: a GET,
      // which changes nothing, is sent once more.
      return await send().catch((error) => (method === 'GET' && !signal.aborted ? send() : Promise.reject(error)));
    } catch (error) {
      const reason = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw new EnvironmentError(`the workbench at ${this.origin} did not answer ${method} ${path}: ${reason}`, { cause: error });
    }
  }

  /**
   * `method path` with a JSON body; resolves with the JSON answer. Throws a
   * ConfigValidationError for a 422 that lists fields, an InputError for another 4xx, an
   * EnvironmentError when the workbench does not answer or fails (5xx).
   */
  async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const response = await this.#fetch(method, path, body, options);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const failure = (parsed ?? {}) as ErrorBody;
    const message = failure.error ?? `${method} ${path} answered ${response.status}`;
    if (response.status === 422 && Array.isArray(failure.errors)) throw new ConfigValidationError(failure.errors);
    if (response.status >= 400 && response.status < 500) throw new InputError(message);
    throw new EnvironmentError(`the workbench at ${this.origin} answered ${method} ${path} with ${response.status}: ${message}`);
  }

  /**
   * Calls `onEvent` whenever the live stream at `path` (`/api/events?run=…`) sends
   * something, reconnecting when it drops, until `signal` aborts.
   */
  async watch(path: string, onEvent: () => void, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const response = await fetch(this.origin + path, { headers: this.#headers({ accept: 'text/event-stream' }), signal });
        if (response.ok && response.body) {
          for await (const chunk of response.body) if (chunk) onEvent();
        } else {
          await response.body?.cancel();
        }
      } catch {
        // Dropped or refused: the caller polls meanwhile; try again shortly.
      }
      await sleep(1_000, undefined, { signal }).catch(() => {});
    }
  }
}
