/** `athanor migrate`: applies the database migrations and says which ran. */
import { migrateToLatest } from '../../../storage/migrator.ts';
import { openDatabase, redactUrl, resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { parseCommandArgs, refuseArguments } from '../cli-args.ts';
import { MIGRATE_USAGE } from '../usage.ts';
import { EnvironmentError, explainDatabaseError, openingDatabase } from '../environment-error.ts';
import { workbenchLock } from '../workbench-lock.ts';

export async function migrateCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    out(MIGRATE_USAGE);
    return 0;
  }
  refuseArguments('migrate', positionals);
  const spec = resolveDatabaseSpec(values.db);
  await refuseHeldByWorkbench(spec);
  const database = await openingDatabase(spec, () => openDatabase(spec, { migrate: false }));
  try {
    const result = await migrateToLatest(database.db);
    if (result.error) {
      // An unreachable server or a refused login is the environment (exit 2), not a failed migration.
      const environment = explainDatabaseError(result.error, spec);
      if (environment) throw environment;
      out(`migration failed: ${result.error.message}`);
      return 1;
    }
    const shown = redactUrl(spec); // never print a password
    out(result.applied.length ? `applied ${result.applied.join(', ')} to ${shown}` : `${shown} is up to date`);
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * A PGlite folder a workbench on this machine holds: it migrated it when it started, and it
 * alone can write it. Said with its address (the lock's generic advice, "or pass --db memory",
 * means nothing to migrate).
 */
async function refuseHeldByWorkbench(spec: string): Promise<void> {
  const lock = await workbenchLock(spec);
  if (!lock) return;
  throw new EnvironmentError(
    `cannot migrate ${spec}: the workbench at ${lock.workbench.url} (process ${lock.owner.pid}) holds it, and migrated it when it started. Stop it to migrate from here.`,
  );
}
