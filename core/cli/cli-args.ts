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
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own words for an unknown option end in a hint about '--' with a quote left open.
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if (unknown) throw new InputError(`unknown option ${unknown}; known: ${Object.keys(all).map((name) => `--${name}`).join(', ')}`);
    throw new InputError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/**
 * Refuses words a command takes no use for (`athanor list extra`), which it would otherwise
 * ignore; for the commands that read experiments, says how a folder is named.
 */
export function refuseArguments(command: string, positionals: readonly string[], options: { readsExperiments?: boolean; writesTo?: string } = {}): void {
  if (positionals.length === 0) return;
  const out = options.writesTo ? ` (or --out ${positionals[0]} for where ${options.writesTo} go)` : '';
  const hint = options.readsExperiments ? `; to name the experiments folder, pass --experiments ${positionals[0]}${out}` : '';
  throw new InputError(`${command} takes no arguments, got ${positionals.map((word) => JSON.stringify(word)).join(' ')}${hint}`);
}
