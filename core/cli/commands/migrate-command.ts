/** `athanor migrate`: applies the database migrations and says which ran. */
import { migrateToLatest } from '../../../storage/migrator.ts';
import { openDatabase, redactUrl, resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { parseCommandArgs, refuseArguments } from '../cli-args.ts';
import { MIGRATE_USAGE } from '../usage.ts';
import { explainDatabaseError, openingDatabase } from '../environment-error.ts';

export async function migrateCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    out(MIGRATE_USAGE);
    return 0;
  }
  refuseArguments('migrate', positionals);
  const spec = resolveDatabaseSpec(values.db);
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
