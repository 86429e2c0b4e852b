/** The Postgres server benchmarks use, and a scratch schema on it for each run. */
import { createScratchSchema } from '../test/helpers/databases.ts';

export const BENCH_POSTGRES_URL =
  process.env.ATHANOR_BENCH_DATABASE_URL ?? process.env.ATHANOR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `use` against a fresh schema (its URL given), dropped afterwards whatever happens. */
export async function withBenchSchema<T>(use: (url: string, schema: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchSchema(BENCH_POSTGRES_URL, 'athanor_bench');
  try {
    return await use(scratch.url, scratch.schema);
  } finally {
    await scratch.drop();
  }
}
