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
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, raw: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined) node = node[key] = {} as Record<string, unknown>;
    else if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else throw new InputError(`--set ${raw}: "${key}" already has a value that is not a group`);
  }
  node[path[path.length - 1]!] = value;
}

/**
 * `--set key=value` pairs → a configuration. Dotted keys reach into groups
 * (`sampling.temperature=0.5`); a value that is a JSON list or object is parsed
 * (`prompts=[{"text":"hi"}]`); anything else stays a string for the validator to coerce.
 */
export function parseSetOptions(pairs: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const raw of pairs) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new InputError(`--set expects key=value, got ${JSON.stringify(raw)}`);
    const key = raw.slice(0, eq);
    const text = raw.slice(eq + 1);
    const path = key.split('.');
    if (path.some((part) => part === '')) throw new InputError(`--set ${raw}: "${key}" is not a field name`);
    let value: unknown = text;
    if (/^\s*[[{]/.test(text)) {
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new InputError(`--set ${raw}: the value looks like JSON but does not parse (${(error as Error).message})`);
      }
    }
    setPath(config, path, value, raw);
  }
  return config;
}
