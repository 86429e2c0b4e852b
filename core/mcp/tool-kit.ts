/**
 * How every Athanor MCP tool is registered: a strict zod input (an unknown or mistyped
 * argument is refused by the SDK naming it, before anything runs), a JSON answer, thrown
 * errors turned into tool errors (`isError`) carrying the same `{error, code, errors?}`
 * body the HTTP API answers with, and — for tools that change something — an entry in the
 * agents' record (who, when, which tool, its arguments, its outcome).
 */
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toErrorResponse } from '../http/http-errors.ts';
import { checkJsonInput } from '../http/input-rules.ts';
import type { Workbench } from '../workbench.ts';

/** The name an agent is recorded under when its client gave none. */
export const UNKNOWN_CLIENT = 'unknown client';

export interface ToolSpec<S extends z.ZodRawShape> {
  title: string;
  description: string;
  input: S;
  /**
   * Set for a tool that changes something (creates, writes, starts, cancels): each call is
   * kept in the agents' record; `detail` says in a line what it did.
   */
  changes?: { detail(result: any): string };
  /** Strings in the answer are kept whole (a source file to edit); other values are still cut when long. */
  keepStrings?: boolean;
}

/** What a tool's handler is given besides its arguments. */
export interface ToolCall {
  /** The MCP client's name (`clientInfo.name` of its initialize), for the record and run marks. */
  client: string;
  /** Aborts when the client cancels the request or goes away. */
  signal: AbortSignal;
}

export interface ToolKit {
  readonly workbench: Workbench;
  define<S extends z.ZodRawShape>(name: string, spec: ToolSpec<S>, handler: (args: z.infer<z.ZodObject<S>>, call: ToolCall) => Promise<unknown>): RegisteredTool;
}

/** Longest text a value may take in an answer (a string, or a value's JSON below the answer's own fields). */
export const MAX_VALUE_CHARS = 4_000;

/**
 * `value` with every long string, and every long value nested below an answer's fields (a
 * result's value, a log's metadata), cut to {@link MAX_VALUE_CHARS} with a note saying so:
 * one 300 KB result must not fill an agent's context. `keepStrings` keeps strings whole
 * (a source file an agent reads to edit it).
 */
export function boundValue(value: unknown, options: { keepStrings?: boolean } = {}, depth = 0): unknown {
  const cut = (text: string) => `${text.slice(0, MAX_VALUE_CHARS)}… [cut: ${text.length} characters in all]`;
  if (typeof value === 'string') return !options.keepStrings && value.length > MAX_VALUE_CHARS ? cut(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 3) {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length > MAX_VALUE_CHARS) return cut(text);
  }
  if (Array.isArray(value)) return value.map((item) => boundValue(item, options, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, boundValue(item, options, depth + 1)]));
}

/** A tool's answer: its JSON, compact (an agent reads it as text: indentation only costs its context), long values cut. */
export function jsonResult(value: unknown, options: { keepStrings?: boolean } = {}): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(boundValue(value, options)) }] };
}

/** A page whose `next` cursor is a sequence number, with `next` as the number the tool's `after` takes. */
export function numericNext<T extends { next: string | number | null }>(page: T): Omit<T, 'next'> & { next: number | null } {
  return { ...page, next: page.next === null ? null : Number(page.next) };
}

/** A thrown error as a tool error: the HTTP API's error body, so both say the same. */
export function errorResult(error: unknown, log: (error: unknown) => void): CallToolResult {
  const { body } = toErrorResponse(error, log);
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
}

/** One line for the record from an error result. */
function errorDetail(result: CallToolResult): string {
  const first = result.content[0];
  try {
    return (JSON.parse(first?.type === 'text' ? first.text : '{}') as { error?: string }).error ?? 'failed';
  } catch {
    return 'failed';
  }
}

export function createToolKit(server: McpServer, workbench: Workbench, log: (error: unknown) => void): ToolKit {
  const clientName = () => server.server.getClientVersion()?.name || UNKNOWN_CLIENT;
  const record = async (tool: string, args: Record<string, unknown>, outcome: 'ok' | 'error', detail: string) => {
    try {
      await workbench.experiments.recordAgentAction({ client: clientName(), tool, arguments: args, outcome, detail });
    } catch (error) {
      log(error); // the record failing (a database away) must not turn a done change into an error
    }
  };
  return {
    workbench,
    define(name, spec, handler) {
      return server.registerTool(
        name,
        // Strict: an argument the tool does not take is refused by name, as the API refuses unknown fields.
        { title: spec.title, description: spec.description, inputSchema: z.strictObject(spec.input) },
        async (args: any, extra: { signal: AbortSignal }) => {
          let result: CallToolResult;
          let value: unknown;
          try {
            // The same rules as an API body: no NUL, no lone surrogate, no number JSON cannot hold.
            checkJsonInput(args);
            value = await handler(args, { client: clientName(), signal: extra.signal });
            result = jsonResult(value, { keepStrings: spec.keepStrings });
          } catch (error) {
            result = errorResult(error, log);
          }
          if (spec.changes) {
            await record(name, args, result.isError ? 'error' : 'ok', result.isError ? errorDetail(result) : spec.changes.detail(value));
          }
          return result;
        },
      );
    },
  };
}
