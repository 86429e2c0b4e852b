/**
 * MCP over streamable HTTP at `/mcp` on the workbench's server (behind the same guard as
 * `/api`: Host, Origin, fetch metadata, token). Each client's `initialize` opens a session
 * (its id in the `mcp-session-id` header) with its own MCP server over the shared
 * workbench; later requests carry that id. A POST body is read with the API's rules (size
 * limit, UTF-8, storable text) before the transport sees it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readJsonBody, sendJson } from '../http/http-io.ts';
import type { Workbench } from '../workbench.ts';
import { createMcpServer, type AthanorMcpServer } from './mcp-server.ts';

/** Most sessions open at once; past it the least recently used is closed (a client that left without DELETE). */
const MAX_SESSIONS = 100;

export interface McpHttpHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Open sessions. */
  readonly sessionCount: number;
  /** Closes every session. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  mcp: AthanorMcpServer;
}

const rpcError = (response: ServerResponse, status: number, message: string) =>
  sendJson(response, status, { jsonrpc: '2.0', error: { code: status === 404 ? -32001 : -32000, message }, id: null });

export function createMcpHttpHandler(workbench: Workbench, options: { bodyLimit: number; log?: (error: unknown) => void }): McpHttpHandler {
  const sessions = new Map<string, Session>();
  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.mcp.close().catch(() => {});
  };

  const open = async (request: IncomingMessage, response: ServerResponse, body: unknown) => {
    const mcp = createMcpServer(workbench, options.log ? { log: options.log } : {});
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, mcp });
        if (sessions.size > MAX_SESSIONS) void closeSession(sessions.keys().next().value!);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) void closeSession(transport.sessionId);
      else void mcp.close();
    };
    await mcp.server.connect(transport);
    await transport.handleRequest(request, response, body);
    if (!transport.sessionId) await mcp.close(); // the initialize was refused: nothing to keep
  };

  return {
    get sessionCount() {
      return sessions.size;
    },
    async handle(request, response) {
      const header = request.headers['mcp-session-id'];
      const id = Array.isArray(header) ? header[0] : header;
      const body = request.method === 'POST' ? await readJsonBody(request, options.bodyLimit, { checkInput: false }) : undefined;
      if (id === undefined) {
        if (request.method === 'POST' && isInitializeRequest(body)) return open(request, response, body);
        return rpcError(response, 400, 'no MCP session: start one with an initialize request (POST /mcp without mcp-session-id)');
      }
      const session = sessions.get(id);
      if (!session) return rpcError(response, 404, `MCP session ${JSON.stringify(id)} is not open (the workbench restarted, or it was closed): initialize a new one`);
      // Most recently used last, so the oldest idle session is the one closed past the limit.
      sessions.delete(id);
      sessions.set(id, session);
      await session.transport.handleRequest(request, response, body);
    },
    async close() {
      await Promise.all([...sessions.keys()].map(closeSession));
    },
  };
}
