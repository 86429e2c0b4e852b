/** The zod pieces several tools share: ids and configurations, as the HTTP API takes them. */
import { z } from 'zod';

export const instanceId = z.string().min(1).max(100).describe('The instance\'s id (a UUID, as list_instances gives it)');
export const runId = z.string().min(8).max(100).describe('The run\'s id, or a unique prefix of 8+ characters of it');
export const configurationInput = z.record(z.string(), z.unknown());
