/**
 * Whether the workbench reaches its database, for the app's header: read from
 * `GET /api/health` when the app starts or its stream resumes, then kept by the
 * `database.status` live events.
 */
import { signal } from '@lit-labs/signals';
import type { DatabaseStatus } from '../../core/records.ts';
import { apiClient } from '../client/api-client.ts';

export const databaseStatus = signal<DatabaseStatus>({ status: 'ok' });

/** Reads the status afresh; a workbench that does not answer leaves it as it was. */
export async function refreshDatabaseStatus(api: string): Promise<void> {
  try {
    databaseStatus.set((await apiClient(api).health()).database);
  } catch {
    // The live indicator already says the workbench is away.
  }
}
