/**
 * The workbench's HTTP server: the API, the live event stream and the UI, behind the
 * request guard.
 *
 * @example
 * const server = await startHttpServer({ workbench, port: 0 });
 * console.log(server.url);
 * await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Workbench } from '../workbench.ts';
import { createApiRouter } from './api-routes.ts';
import { EventHub, type EventFilter, type EventHubOptions } from './event-stream.ts';
import { EVENT_ID_HEADER, parseTopics } from '../events/event-topics.ts';
import { HttpError, toErrorResponse } from './http-errors.ts';
import { sendJson } from './http-io.ts';
import { corsHeaders, guardRequest, isAnyAddress, isLoopback, isPageRequest } from './request-guard.ts';
import { CONTENT_SECURITY_POLICY, sendPlaceholderPage, sendTokenPage } from './placeholder-page.ts';
import { createMcpHttpHandler } from '../mcp/mcp-http.ts';

/** Serves what is not the API (the UI); calls `next()` when it has nothing for the request. */
export type UiHandler = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

export interface HttpServerOptions {
  workbench: Workbench;
  host?: string;
  port?: number;
  /** Required off loopback (the CLI generates one). */
  token?: string;
  /** Origins whose pages may call the API (CORS), e.g. a dashboard embedding the elements. */
  allowedOrigins?: readonly string[];
  ui?: UiHandler;
  /** Largest request body (default 2 MiB: a 1 MiB source file, JSON-escaped). */
  bodyLimit?: number;
  events?: EventHubOptions;
  log?: (error: unknown) => void;
}

export interface HttpServer {
  /** The base URL (with `?token=` when a token is required). */
  readonly url: string;
  readonly port: number;
  readonly events: EventHub;
  close(): Promise<void>;
}

/**
 * What `/api/events` carries: `?topics=` (a bad topic is a 400 naming it; a topic whose
 * run or instance is gone stays silent, as a page open on a deleted instance must not lose
 * its stream), or the older `?run=` / `?instance=` filter, or everything.
 */
async function eventFilter(url: URL, workbench: Workbench): Promise<EventFilter> {
  const topics = url.searchParams.get('topics');
  const run = url.searchParams.get('run') ?? undefined;
  const instance = url.searchParams.get('instance') ?? undefined;
  if (topics !== null) {
    if (run || instance) throw new HttpError(400, 'ERR_BAD_INPUT', 'topics: give topics, or run= / instance=, not both (run:<id> and instance:<id> are topics)');
    const parsed = parseTopics(topics);
    if ('error' in parsed) throw new HttpError(400, 'ERR_BAD_INPUT', parsed.error);
    return { topics: parsed.topics };
  }
  // A filter naming nothing would be a stream that stays silent: say so instead.
  // A run may be named by a prefix of its id; events carry the full id.
  const runId = run ? (await workbench.experiments.getRun(await workbench.experiments.resolveRunId(run))).id : undefined;
  if (instance) await workbench.experiments.getInstance(instance);
  return { run: runId, instance };
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token) {
    throw new Error(`binding ${host} (off loopback) needs an access token`);
  }
  const log = options.log ?? ((error: unknown) => console.error('athanor: request failed:', error));
  const events = new EventHub(options.workbench.bus, options.events);
  const bodyLimit = options.bodyLimit ?? 2 * 1024 * 1024;
  const router = createApiRouter(options.workbench, { bodyLimit, eventClients: () => events.clientCount });
  // MCP (issue 17): agents use the workbench through the same guard as the API.
  const mcp = createMcpHttpHandler(options.workbench, { bodyLimit, log });
  let port = 0;

  const fail = (response: ServerResponse, error: unknown) => {
    const { status, body } = toErrorResponse(error, log);
    // The database failed this request: probe now, so the header and /api/health follow.
    if (body.code === 'ERR_DATABASE_UNAVAILABLE') void options.workbench.databaseMonitor.check();
    if (response.headersSent) response.destroy();
    else sendJson(response, status, body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://workbench');
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'no-referrer');
    const cors = corsHeaders(request, options.allowedOrigins);
    for (const [name, value] of Object.entries(cors)) response.setHeader(name, value);
    // A CORS preflight carries no credentials and gets nothing but the headers.
    if (request.method === 'OPTIONS' && cors['access-control-allow-origin']) {
      response.writeHead(204);
      return void response.end();
    }
    // Every path, the UI's and Vite's as well as the API's, passes the guard.
    let guarded: ReturnType<typeof guardRequest>;
    try {
      guarded = guardRequest(request, url, { host, port: () => port, token: options.token, allowedOrigins: options.allowedOrigins });
    } catch (error) {
      // A page opened without the token: a page saying so, not the API's JSON.
      if (error instanceof HttpError && error.code === 'ERR_TOKEN' && isPageRequest(request, url)) return sendTokenPage(response, error.message);
      throw error;
    }
    const { setCookie, redirect } = guarded;
    if (setCookie) response.setHeader('set-cookie', setCookie);
    if (redirect) {
      response.writeHead(302, { location: redirect, 'cache-control': 'no-store' });
      return void response.end();
    }
    if (url.pathname === '/api/events') {
      if (request.method !== 'GET') throw new HttpError(405, 'ERR_METHOD', 'the event stream is GET only');
      return events.attach(request, response, await eventFilter(url, options.workbench));
    }
    if (url.pathname === '/mcp') return mcp.handle(request, response);
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      // The events up to here are in what this answer reads: a page that fetched it before its
      // live stream opened resumes the stream from here (ui/state/live-hub.ts), missing nothing.
      response.setHeader(EVENT_ID_HEADER, String(events.newestId));
      const { handler, params } = router.match(request.method ?? 'GET', url.pathname);
      return handler({ request, response, url, params });
    }
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    if (options.ui) return options.ui(request, response, () => sendPlaceholderPage(response, options.workbench));
    sendPlaceholderPage(response, options.workbench);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => fail(response, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = isAnyAddress(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`;
  return {
    url,
    port,
    events,
    close: async () => {
      events.close();
      await mcp.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
