/** Shared option parsing for the `athanor` commands (node:util's parseArgs). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.ts';

/** Options every command takes. */
export const COMMON_OPTIONS = {
  experiments: { type: 'string', default: './experiments' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** parseArgs, with its errors turned into InputErrors (exit 2) that name the option. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON_OPTIONS & O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}
