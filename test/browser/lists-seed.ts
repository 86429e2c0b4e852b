/**
 * Seeds many instances straight in SQL (a real Postgres: PGlite), as the scale benchmark
 * does: thousands in milliseconds, where the API would take minutes. Each instance gets one
 * completed run with two numeric results (`loss`, `accuracy`), so lists have latest runs
 * and headline metrics to show.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';

export interface SeedOptions {
  experiment: string;
  count: number;
  /** Names are `${prefix}${n}`, n zero-padded to 5 digits from 1. */
  prefix: string;
  /** The code hash the runs ran (null: not recorded). */
  codeHash?: string | null;
}

/** Inserts `count` instances of `experiment`, each with one completed run and its results. */
export async function seedInstances(db: Kysely<DatabaseSchema>, options: SeedOptions): Promise<void> {
  const { experiment, count, prefix } = options;
  const codeHash = options.codeHash ?? null;
  // Older numbers are older: instance n was created n minutes ago, its run a second later.
  await sql`
    insert into instances (id, experiment, name, description, configuration, created_at, updated_at, version)
    select gen_random_uuid(), ${experiment}, ${prefix} || lpad(g::text, 5, '0'), null, '{"iterations": 3}'::jsonb,
      now() - make_interval(mins => g), now() - make_interval(mins => g), 1
    from generate_series(1, ${count}::int) g`.execute(db);
  await sql`
    insert into runs (id, instance_id, status, options, created_at, started_at, completed_at, result_count, code_hash, configuration)
    select gen_random_uuid(), i.id, 'completed', '{}'::jsonb, i.created_at + interval '1 second', i.created_at + interval '1 second',
      i.created_at + interval '5 seconds', 2, ${codeHash}, '{"iterations": 3}'::jsonb
    from instances i where i.experiment = ${experiment} and i.name like ${`${prefix}%`}`.execute(db);
  await sql`
    insert into run_results (run_id, seq, key, value, recorded_at)
    select r.id, k.seq, k.key, to_jsonb(round((random() * k.scale)::numeric, 4)), r.completed_at
    from runs r join instances i on i.id = r.instance_id
    cross join (values (1, 'loss', 2.0), (2, 'accuracy', 1.0)) as k(seq, key, scale)
    where i.experiment = ${experiment} and i.name like ${`${prefix}%`}`.execute(db);
  // The derived latest-metrics table (migration 0004), where the database has it.
  const { rows } = await sql<{ found: number }>`select count(*)::int as found from information_schema.tables where table_name = 'run_metrics' and table_schema = current_schema()`.execute(db);
  if (rows[0]?.found) {
    await sql`
      insert into run_metrics (run_id, key, value, seq, count)
      select rr.run_id, rr.key, (rr.value #>> '{}')::double precision, rr.seq, 1
      from run_results rr join runs r on r.id = rr.run_id join instances i on i.id = r.instance_id
      where i.experiment = ${experiment} and i.name like ${`${prefix}%`}`.execute(db);
  }
}
