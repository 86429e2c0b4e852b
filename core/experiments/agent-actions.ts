/**
 * The record of what AI agents did over MCP (issue 17): every state-changing tool call,
 * kept with its client, arguments and outcome, listed newest first a page at a time.
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.ts';
import type { AgentAction, Page } from '../records.ts';
import { iso } from './row-mappers.ts';
import type { ServiceContext } from './service-context.ts';

/** What a tool call leaves in the record (`id` and `at` are given here). */
export type NewAgentAction = Omit<AgentAction, 'id' | 'at'>;

export interface ListAgentActionsOptions {
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  cursor?: string | null;
}

/** Longest detail kept: a message, not a payload. */
const MAX_DETAIL = 2_000;

/** Keeps one tool call in the record. */
export async function recordAgentAction(context: ServiceContext, action: NewAgentAction): Promise<AgentAction> {
  const row = await context.database.db
    .insertInto('agent_actions')
    .values({
      id: randomUUID(),
      at: context.now(),
      client: action.client,
      tool: action.tool,
      arguments: JSON.stringify(action.arguments),
      outcome: action.outcome,
      detail: action.detail.length > MAX_DETAIL ? `${action.detail.slice(0, MAX_DETAIL - 1)}…` : action.detail,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAgentAction(row);
}

function toAgentAction(row: { id: string; at: Date | string; client: string; tool: string; arguments: unknown; outcome: 'ok' | 'error'; detail: string }): AgentAction {
  return {
    id: row.id,
    at: iso(row.at),
    client: row.client,
    tool: row.tool,
    arguments: (row.arguments as Record<string, unknown> | null) ?? {},
    outcome: row.outcome,
    detail: row.detail,
  };
}

const encodeCursor = (action: AgentAction) => Buffer.from(`${action.at}|${action.id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw new InputError(`cursor ${JSON.stringify(cursor)} is not one this server gave`);
  return { at: date, id };
}

/** The agents' tool calls, newest first, a page at a time. */
export async function listAgentActions(context: ServiceContext, options: ListAgentActionsOptions = {}): Promise<Page<AgentAction>> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError(`limit must be a whole number from 1 to 500, got ${limit}`);
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await context.database.db
    .selectFrom('agent_actions')
    .selectAll()
    .$if(after !== undefined, (q) =>
      q.where((eb) => eb.or([eb('at', '<', after!.at), eb.and([eb('at', '=', after!.at), eb('id', '<', after!.id)])])),
    )
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toAgentAction);
  return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}
