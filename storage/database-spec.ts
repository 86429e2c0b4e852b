/**
 * The database spec: the one string (`--db` or `ATHANOR_DATABASE_URL`) that picks a
 * backend and where its data lives.
 *
 * - `memory`: pg-mem, gone when the process ends (tests, the test harness);
 * - `pglite:DIR` (plain `pglite` is `pglite:.athanor/db`): embedded Postgres in a folder;
 * - `postgres://…` or `postgresql://…`: a Postgres server.
 */
import { DatabaseSpecError } from './storage-errors.ts';

/** The backends a spec can select. */
export type DatabaseKind = 'memory' | 'pglite' | 'postgres';

/** A parsed spec: which backend and its address. */
export type DatabaseSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'pglite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string };

/** The PGlite folder used when none is named. */
export const DEFAULT_PGLITE_DIR = '.athanor/db';

/** The spec used when neither `--db` nor `ATHANOR_DATABASE_URL` is given. */
export const DEFAULT_DATABASE_SPEC = `pglite:${DEFAULT_PGLITE_DIR}`;

const ACCEPTED = `memory, pglite, pglite:DIR, postgres://… or postgresql://…`;

/**
 * Picks the spec in force: the command-line value, else `ATHANOR_DATABASE_URL`, else
 * {@link DEFAULT_DATABASE_SPEC}. Empty strings count as absent.
 */
export function resolveDatabaseSpec(
  cliValue?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (cliValue !== undefined && cliValue !== '') return cliValue;
  const fromEnv = env.ATHANOR_DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return DEFAULT_DATABASE_SPEC;
}

/**
 * Parses a spec. A value that fits none of the accepted forms is a
 * {@link DatabaseSpecError} naming the value and the forms.
 *
 * @example
 * parseDatabaseSpec('pglite:/var/lib/athanor') // { kind: 'pglite', dir: '/var/lib/athanor' }
 */
export function parseDatabaseSpec(spec: string): DatabaseSpec {
  if (spec === 'memory') return { kind: 'memory' };
  if (spec === 'pglite') return { kind: 'pglite', dir: DEFAULT_PGLITE_DIR };
  if (spec.startsWith('pglite:')) {
    const dir = spec.slice('pglite:'.length);
    if (dir.trim() === '') {
      throw new DatabaseSpecError(spec, `database "${spec}" names no folder: use pglite:DIR (or plain pglite for ${DEFAULT_DATABASE_SPEC})`);
    }
    return { kind: 'pglite', dir };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    try {
      new URL(spec);
    } catch {
      throw new DatabaseSpecError(spec, `database "${redactUrl(spec)}" is not a valid URL: expected postgres://user@host:port/database`);
    }
    return { kind: 'postgres', url: spec };
  }
  throw new DatabaseSpecError(spec, `unknown database "${redactUrl(spec)}": expected one of ${ACCEPTED}`);
}

/** A spec safe to print: the password of a URL is replaced by `***`. */
export function redactUrl(spec: string): string {
  try {
    const url = new URL(spec);
    if (url.password === '') return spec;
    url.password = '***';
    return url.toString();
  } catch {
    return spec.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

/** `url` with `search_path` set to `schema` for every connection (added to any `options`). */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${options ? `${options} ` : ''}-c search_path=${schema}`);
  return parsed.toString();
}
