/**
 * Run ids as people give them: the full UUID, or a unique prefix of 8 or more of its hex
 * characters (the UI shows the first 8 everywhere). Every route, page and command that
 * takes a run id resolves it here, so the rule and its errors are the same everywhere.
 *
 * A prefix becomes a range on the primary key (`id BETWEEN prefix-000… AND prefix-fff…`),
 * which every backend answers from the index: Postgres and PGlite order `uuid` bytewise,
 * as its lowercase text sorts, and pg-mem compares the text. A `LIKE` would need a cast of
 * the column (`id::text`) and so a scan.
 */
import { AmbiguousIdError, InputError, NotFoundError } from '../errors.ts';
import type { ServiceContext } from './service-context.ts';

/** The fewest hex characters a run id prefix may have. */
export const MIN_RUN_ID_PREFIX = 8;

/** How many of the matching ids an ambiguous prefix's error lists. */
const LISTED = 5;

const LOW = '00000000-0000-0000-0000-000000000000';
const HIGH = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** What a run id given by a person is: a full id, a prefix (as the range it covers), or neither. */
export type RunIdInput =
  | { kind: 'full'; id: string }
  | { kind: 'prefix'; prefix: string; low: string; high: string }
  | { kind: 'too-short'; prefix: string }
  | { kind: 'malformed' };

/** A UUID's hex digits with its hyphens put back, as far as they go. */
function withHyphens(hex: string): string {
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].filter(Boolean).join('-');
}

/**
 * Reads `value` as a run id or the start of one: any case, with the id's hyphens or
 * without any.
 *
 * @example
 * parseRunId('3063C6FC') // { kind: 'prefix', prefix: '3063c6fc', low: '3063c6fc-0000-…', high: '3063c6fc-ffff-…' }
 */
export function parseRunId(value: string): RunIdInput {
  const text = value.toLowerCase();
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-f]{0,32}$/.test(hex)) return { kind: 'malformed' };
  const prefix = withHyphens(hex);
  const low = prefix + LOW.slice(prefix.length);
  // Hyphens, if given, stand where a UUID has them ("3063c6fc-1a", not "3063-c6fc").
  if (text !== hex && !low.startsWith(text)) return { kind: 'malformed' };
  if (hex.length === 32) return { kind: 'full', id: prefix };
  if (hex.length < MIN_RUN_ID_PREFIX) return { kind: 'too-short', prefix };
  return { kind: 'prefix', prefix, low, high: prefix + HIGH.slice(prefix.length) };
}

/**
 * The full id of the run `value` names: a full id as it is (whether the run exists is the
 * caller's next query), a prefix looked up. Throws InputError for a prefix under 8 hex
 * characters, AmbiguousIdError when several runs start with it, NotFoundError when none
 * does or `value` is no run id at all.
 */
export async function resolveRunId(context: ServiceContext, value: string): Promise<string> {
  const input = parseRunId(value);
  switch (input.kind) {
    case 'full':
      return input.id;
    case 'malformed':
      throw new NotFoundError(
        `run ${JSON.stringify(value)} not found: a run id is a UUID or a unique prefix of ${MIN_RUN_ID_PREFIX} or more of its hex characters`,
      );
    case 'too-short':
      throw new InputError(
        `a run id prefix must have at least ${MIN_RUN_ID_PREFIX} hex characters (such as the 8 the workbench shows), got ${JSON.stringify(value)}`,
      );
    case 'prefix': {
      const rows = await context.database.db
        .selectFrom('runs')
        .select('id')
        .where('id', '>=', input.low)
        .where('id', '<=', input.high)
        .orderBy('id')
        .limit(LISTED + 1)
        .execute();
      if (rows.length === 1) return rows[0]!.id;
      if (rows.length === 0) throw new NotFoundError(`run ${value} not found: no run id starts with ${input.prefix}`);
      const ids = rows.slice(0, LISTED).map((row) => row.id);
      const count = rows.length > LISTED ? `more than ${LISTED}` : String(rows.length);
      throw new AmbiguousIdError(
        `run id prefix ${input.prefix} matches ${count} runs (${ids.join(', ')}${rows.length > LISTED ? ', …' : ''}): give more of the id`,
        ids,
      );
    }
  }
}
