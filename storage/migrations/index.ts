/**
 * Every migration, by name. Kysely applies them in name order, so a new one takes the
 * next number (`0002-…`) and is added here; a migration once released is never edited.
 */
import type { Migration } from 'kysely';
import { initialMigration } from './0001-initial.ts';
import { runRecordsMigration } from './0002-run-records.ts';
import { instanceVersionsMigration } from './0003-instance-versions.ts';
import { runMetricsMigration } from './0004-run-metrics.ts';
import { agentActionsMigration } from './0005-agent-actions.ts';
import { runWorkersMigration } from './0006-run-workers.ts';
import { runAttemptsMigration } from './0007-run-attempts.ts';
import { jsonKeyOrderMigration } from './0008-json-key-order.ts';

/** The migrations of the Athanor schema, shared by every backend. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': initialMigration,
  '0002-run-records': runRecordsMigration,
  '0003-instance-versions': instanceVersionsMigration,
  '0004-run-metrics': runMetricsMigration,
  '0005-agent-actions': agentActionsMigration,
  '0006-run-workers': runWorkersMigration,
  '0007-run-attempts': runAttemptsMigration,
  '0008-json-key-order': jsonKeyOrderMigration,
});
