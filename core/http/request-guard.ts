/**
 * Who may talk to the workbench. Its source endpoint writes code that will run, and in
 * `athanor dev` Vite's middleware answers beside the API, so every path — not only `/api` —
 * goes through the same checks:
 * - the `Host` must be one this server answers to (DNS rebinding sends a foreign name);
 * - a state-changing request must not come from a foreign `Origin` (cross-site POSTs);
 * - another site, or another port of this machine, may link to the workbench's pages but
 *   may not make the browser fetch anything else from it (fetch metadata, below);
 * - off loopback, every request carries the access token (header, cookie, or `?token=`,
 *   which sets the cookie), compared in constant time;
 * - origins named with `--allow-origin` (pages that embed the UI elements) may call the
 *   API across origins: they get CORS headers and are not foreign.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { EVENT_ID_HEADER } from '../events/event-topics.ts';
import { HttpError } from './http-errors.ts';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/**
 * Vite's own paths in `athanor dev` (`/@fs/`, `/@id/`, `/@vite/`, `/__open-in-editor`,
 * `/node_modules/`): no other site has a reason to reach them, not even by a link.
 */
const DEV_INTERNAL = /^\/(?:@|__|node_modules\/)/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.includes(host) || host.startsWith('127.');
}

/** Whether `host` is the address of every interface (`0.0.0.0`, `::` and its other spellings). */
export function isAnyAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === '0.0.0.0') return true;
  return isIPv6(bare) && new URL(`http://[${bare}]`).hostname === '[::]';
}

/**
 * The token's cookie, named after the port: browsers send a host's cookies to all its
 * ports, and another workbench's token must not shadow this one's.
 */
export function tokenCookieName(port: number): string {
  return `athanor_token_${port}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Every value of cookie `name` the request carries (a browser may send two of one name); a
 * malformed escape (`%E0%A4%A`) is no value, not an error.
 */
function cookies(request: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      values.push(decodeURIComponent(value.join('=')));
    } catch {
      // Not a value we ever set: no token.
    }
  }
  return values;
}

export interface GuardOptions {
  /** The address bound (`127.0.0.1`, `0.0.0.0`, `::`, a host name). */
  host: string;
  port: () => number;
  token?: string;
  /** More host names to accept (e.g. the machine's name when bound off loopback). */
  allowedHosts?: string[];
  /** Origins (`https://dash.example.com`) allowed to call the API from their pages. */
  allowedOrigins?: readonly string[];
}

/** What the server does besides answering: set the token's cookie, or redirect a page to drop `?token=`. */
export interface GuardResult {
  setCookie?: string;
  /** A path (with its query, without `token`) to redirect to with 302. */
  redirect?: string;
}

/** `https://Example.com:443/x` → `https://example.com`; throws on what is not an http(s) origin. */
export function normalizeOrigin(text: string): string {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${JSON.stringify(text)} is not an http(s) origin`);
  return url.origin;
}

/** The CORS headers for a request from an allowed origin (none for any other). */
export function corsHeaders(request: IncomingMessage, allowedOrigins: readonly string[] = []): Record<string, string> {
  const origin = request.headers.origin;
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': 'content-type, authorization, last-event-id',
    'access-control-expose-headers': EVENT_ID_HEADER,
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

/** Checks a request; says whether to set the token's cookie or redirect. Throws 401/403. */
export function guardRequest(request: IncomingMessage, url: URL, options: GuardOptions): GuardResult {
  const anyAddress = isAnyAddress(options.host);
  const allowed = new Set([...LOOPBACK, options.host, ...(options.allowedHosts ?? [])]);
  const hostHeader = request.headers.host ?? '';
  const hostname = hostHeader.replace(/:\d+$/, '');
  if (!allowed.has(hostname) && !anyAddress) {
    throw new HttpError(403, 'ERR_FORBIDDEN_HOST', `host ${JSON.stringify(hostHeader)} is not one this workbench answers to`);
  }
  const origin = request.headers.origin;
  const namedOrigin = origin !== undefined && (options.allowedOrigins ?? []).includes(origin);
  if (origin !== undefined && !namedOrigin && !SAFE_METHODS.includes(request.method ?? 'GET')) {
    let foreign: boolean;
    try {
      const parsed = new URL(origin);
      foreign = parsed.host !== hostHeader || !(allowed.has(parsed.hostname) || anyAddress);
    } catch {
      foreign = true;
    }
    if (foreign) throw new HttpError(403, 'ERR_FORBIDDEN_ORIGIN', `requests from origin ${JSON.stringify(origin)} are refused`);
  }
  if (!namedOrigin) refuseOtherSites(request, url);
  return options.token ? checkToken(request, url, options.token, options.port()) : {};
}

/**
 * Fetch metadata (`Sec-Fetch-*`, sent by every current browser; absent from curl and the
 * CLI) says who made the browser ask. A page of another site — or of another port of
 * this machine, which browsers count as the same site — may navigate to the workbench's
 * pages (a link), and nothing else: no fetch of the API, no `<img>` of
 * `/__open-in-editor`, no script of `/@fs/`. Pages named with `--allow-origin` are let
 * through before this (their module scripts and fetches carry their `Origin`).
 */
function refuseOtherSites(request: IncomingMessage, url: URL): void {
  const site = request.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return;
  const dest = request.headers['sec-fetch-dest'];
  const link =
    request.headers['sec-fetch-mode'] === 'navigate' &&
    (request.method === 'GET' || request.method === 'HEAD') &&
    dest !== 'object' && dest !== 'embed' &&
    !DEV_INTERNAL.test(url.pathname);
  if (!link) {
    throw new HttpError(403, 'ERR_FORBIDDEN_ORIGIN', `${request.method ?? 'GET'} ${url.pathname} from another site (${String(site)}) is refused`);
  }
}

/**
 * Any valid token the request carries lets it in — the URL's first, so a stale cookie
 * (another workbench's, or this one's before a restart) never hides the right link. A page
 * opened with `?token=` is redirected to its address without it, setting the cookie, so
 * the token leaves the address bar (and history, and screenshots).
 */
function checkToken(request: IncomingMessage, url: URL, token: string, port: number): GuardResult {
  const name = tokenCookieName(port);
  const fromUrl = url.searchParams.get('token') ?? undefined;
  const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]; // the scheme is case-insensitive (RFC 9110)
  const valid = (given: string | undefined) => given !== undefined && tokensEqual(given, token);
  if (valid(fromUrl)) {
    // Lax, not Strict: a link followed from another site (a chat, a mail) reaches the
    // workbench through this redirect, and a Strict cookie set there would not be sent on
    // the redirected request. Writes stay guarded by the Origin check above.
    const setCookie = `${name}=${encodeURIComponent(token)}; HttpOnly; SameSite=Lax; Path=/`;
    return isPageRequest(request, url) ? { setCookie, redirect: withoutToken(url) } : { setCookie };
  }
  const kept = cookies(request, name);
  if (valid(bearer) || kept.some(valid)) return {};
  // A wrong token (a stale cookie, a mistyped link or header) is told apart from none.
  const given = fromUrl !== undefined || bearer !== undefined || kept.length > 0;
  const what = given ? "the access token given is not this workbench's" : 'this workbench needs its access token';
  throw new HttpError(401, 'ERR_TOKEN', `${what}: open the URL it printed at start (an API client sends it as "Authorization: Bearer <token>")`);
}

/** A browser asking for a page (not the API, not a script or data). */
export function isPageRequest(request: IncomingMessage, url: URL): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** The request's path and query without `token`; one leading slash, so it never names another host. */
function withoutToken(url: URL): string {
  const query = new URLSearchParams(url.search);
  query.delete('token');
  const search = query.size ? `?${query}` : '';
  return `/${url.pathname.replace(/^\/+/, '')}${search}${url.hash}`;
}
