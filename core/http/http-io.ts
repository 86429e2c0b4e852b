/** Reading JSON bodies and writing JSON responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-errors.ts';
import { checkJsonInput, decodeUtf8Body } from './input-rules.ts';

/**
 * Reads a JSON body of at most `limit` bytes (413 past it, 415 for another type, 400 for
 * bad JSON or, unless `checkInput` is false, for input the workbench cannot store: see `input-rules.ts`).
 */
export async function readJsonBody(request: IncomingMessage, limit: number, options: { checkInput?: boolean } = {}): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'ERR_TOO_LARGE', `the request body is ${declared} bytes, over the limit of ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'ERR_TOO_LARGE', `the request body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  // No type is taken as JSON (curl without -H); another type is a mistake worth naming.
  const type = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, 'ERR_MEDIA_TYPE', `the request body must be JSON, sent with Content-Type: application/json; got ${type}`);
  }
  const text = decodeUtf8Body(Buffer.concat(chunks));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'ERR_BAD_JSON', `the request body is not JSON: ${(error as Error).message}`);
  }
  // `/mcp` checks each tool's arguments itself, so that the refusal is the tool's error.
  if (options.checkInput ?? true) checkJsonInput(body);
  return body;
}

/** A JSON object body, or 400. */
export async function readJsonObject(request: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, limit);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'ERR_BAD_INPUT', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** The largest integer a query parameter may be: Postgres' `integer` (sequence numbers, limits). */
export const MAX_INT_PARAM = 2_147_483_647;

/**
 * A whole-number query parameter, or 400 naming it. A negative one goes on to the service,
 * whose check names the parameter's own range (`limit must be a whole number from 1 to 500,
 * got -1`), as it does for 0: the two answered in different words.
 */
export function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(Math.abs(value) <= MAX_INT_PARAM)) {
    throw new HttpError(400, 'ERR_BAD_INPUT', `query parameter ${name} must be a whole number from 0 to ${MAX_INT_PARAM}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
