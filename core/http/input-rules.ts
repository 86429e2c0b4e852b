/**
 * What every request's input must be before any route sees it, checked once at the API
 * boundary (the JSON body reader and the router), not route by route:
 *
 * - a body is valid UTF-8 (a lossy decode would save U+FFFD in place of the bytes sent);
 * - JSON nests at most {@link MAX_JSON_DEPTH} levels (deeper values overflow the stack of
 *   whatever walks them next: validation, `JSON.stringify`);
 * - numbers are finite (`1e400` parses as Infinity, which JSON cannot store);
 * - text — every string, object key, query parameter and path segment — holds no NUL
 *   (Postgres refuses U+0000 in `text` and `jsonb`) and no lone surrogate (not Unicode:
 *   Postgres and PGlite would store U+FFFD instead, pg-mem the broken text).
 *
 * A refusal is a 400 naming where the problem is and the rule, and nothing is changed.
 */
import { HttpError } from './http-errors.ts';

/** How deeply a JSON body may nest: far more than any configuration needs. */
export const MAX_JSON_DEPTH = 64;

// With the `u` flag a well-formed surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const refuse = (message: string) => new HttpError(400, 'ERR_BAD_INPUT', message);

/** Decodes a request body as UTF-8, refusing (400 `ERR_BAD_ENCODING`) any invalid byte sequence. */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'ERR_BAD_ENCODING', 'the request body is not valid UTF-8: send JSON text encoded as UTF-8');
  }
}

/** Why `text` cannot be stored, or `undefined` when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'contains U+0000 (NUL), which text may not hold: remove it';
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `contains a lone surrogate U+${code} (half of a UTF-16 pair), which is not Unicode text`;
  }
  return undefined;
}

/** Refuses a query parameter or path segment that is not storable text, naming it. */
export function checkTextParam(kind: 'query parameter' | 'path segment', name: string, value: string): void {
  const problem = textProblem(value);
  if (problem) throw refuse(`${kind} ${name} ${problem}`);
}

const shownPath = (path: string) => (path === '' ? 'the request body' : path.length > 200 ? `${path.slice(0, 200)}…` : path);
const child = (path: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

/**
 * Refuses a parsed JSON body that nests too deeply, holds a number JSON cannot keep, or
 * text that cannot be stored; the message names the first such place (`configuration.items[2].text`).
 * Recursion is safe: it stops at {@link MAX_JSON_DEPTH}.
 */
export function checkJsonInput(value: unknown, path = '', depth = 0): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) throw refuse(`${shownPath(path)} ${problem}`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse(`${shownPath(path)} is a number too large for JSON to hold (it overflows to ${value})`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_JSON_DEPTH) throw refuse(`${shownPath(path)} nests deeper than ${MAX_JSON_DEPTH} levels, the most a request body may`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonInput(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const problem = textProblem(key);
    if (problem) throw refuse(`a key of ${shownPath(path)} (${JSON.stringify(key)}) ${problem}`);
    checkJsonInput(item, child(path, key), depth + 1);
  }
}

/**
 * Refuses a body holding a field a route does not take (a mistyped optional field would
 * otherwise be dropped silently, and what it asked for not done): 400 naming it and `usage`.
 */
export function refuseUnknownFields(body: Record<string, unknown>, known: readonly string[], usage: string): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new HttpError(400, 'ERR_BAD_INPUT', `unknown field ${unknown.join(', ')}; ${usage}`);
}
