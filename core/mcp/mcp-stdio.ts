/**
 * `athanor mcp` over stdio: stdout carries the protocol, and nothing else may write there
 * (logging goes to stderr). Two ways to serve:
 * - {@link serveStdio}: an MCP server over a workbench this process opened;
 * - {@link bridgeStdio}: the workbench that holds the database runs elsewhere (`athanor
 *   dev`): each message is passed to its `/mcp` and back, so one server — the one the open
 *   workbench runs — records what the agent does and shows its runs live.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Workbench } from '../workbench.ts';
import { createMcpServer } from './mcp-server.ts';

export interface StdioStreams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
}

const defaultStreams = (): StdioStreams => ({ stdin: process.stdin, stdout: process.stdout });

/** Resolves when the client is gone (stdin ended or closed) or `signal` aborts. */
function clientGone(stdin: NodeJS.ReadableStream, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    stdin.once('end', resolve);
    stdin.once('close', resolve);
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Serves an MCP session over stdio on `workbench` until the client goes; then closes the session (not the workbench). */
export async function serveStdio(workbench: Workbench, options: { signal?: AbortSignal; streams?: StdioStreams } = {}): Promise<void> {
  const { stdin, stdout } = options.streams ?? defaultStreams();
  const mcp = createMcpServer(workbench);
  const gone = clientGone(stdin, options.signal);
  await mcp.server.connect(new StdioServerTransport(stdin as NodeJS.ReadStream, stdout as NodeJS.WriteStream));
  await gone;
  await mcp.close();
}

/** A JSON-RPC error for a request the workbench could not be asked. */
const unreachable = (message: JSONRPCMessage, reason: string): JSONRPCMessage | undefined =>
  isJSONRPCRequest(message) ? { jsonrpc: '2.0', id: message.id, error: { code: -32603, message: reason } } : undefined;

/**
 * Passes MCP messages between stdio and the workbench at `origin` (its `/mcp`, with its
 * token), until the client goes or `signal` aborts; then ends the session there.
 */
export async function bridgeStdio(origin: string, token: string | undefined, options: { signal?: AbortSignal; streams?: StdioStreams } = {}): Promise<void> {
  const { stdin, stdout } = options.streams ?? defaultStreams();
  const local: Transport = new StdioServerTransport(stdin as NodeJS.ReadStream, stdout as NodeJS.WriteStream);
  const remote = new StreamableHTTPClientTransport(new URL('/mcp', origin), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  const initializing = new Set<string | number>();
  remote.onmessage = (message) => {
    // The protocol version the session agreed on goes on every later request (as the SDK's client does).
    if (isJSONRPCResultResponse(message) && initializing.delete(message.id)) {
      const version = (message.result as { protocolVersion?: string }).protocolVersion;
      if (version) remote.setProtocolVersion(version);
    }
    void local.send(message);
  };
  remote.onerror = (error) => process.stderr.write(`athanor mcp: the workbench at ${origin}: ${error.message}\n`);
  local.onmessage = (message) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializing.add(message.id);
    remote.send(message).catch((error: Error) => {
      const answer = unreachable(message, `the workbench at ${origin} did not take the message: ${error.message}`);
      if (answer) void local.send(answer);
      else process.stderr.write(`athanor mcp: the workbench at ${origin} did not take a notification: ${error.message}\n`);
    });
  };
  const gone = clientGone(stdin, options.signal);
  await remote.start();
  await local.start();
  await gone;
  await remote.terminateSession().catch(() => {});
  await Promise.allSettled([remote.close(), local.close()]);
}
