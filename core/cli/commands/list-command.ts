/**
 * `athanor list [--json]`: the experiments of the folder with their configuration fields,
 * or their errors (file:line:column). Exit 0 when every experiment loads, 1 when any is
 * broken. `--json` prints one line: the array of entries, as `GET /api/experiments` returns
 * them. A folder that does not exist, cannot be read or is far too large is thrown, for the
 * CLI to tell on stderr (and as `{"error": …}` with --json) with exit 2, as every command does.
 */
import { createExperimentRegistry, type ExperimentEntry } from '../../../plugins/experiment-registry.ts';
import type { JSONSchema } from '../../experiment/index.ts';
import { stringifyForTerminal } from '../terminal-text.ts';

/** Options of {@link listCommand}. */
export interface ListCommandOptions {
  experimentsDir: string;
  json: boolean;
  out: (line: string) => void;
}

/** Runs `athanor list`; returns the exit code. */
export async function listCommand(options: ListCommandOptions): Promise<number> {
  const { out } = options;
  const registry = createExperimentRegistry({ experimentsDir: options.experimentsDir, watch: false, cache: true });
  try {
    await registry.start();
    const entries = registry.list();
    if (options.json) out(stringifyForTerminal(entries));
    else printEntries(entries, options.experimentsDir, out);
    return entries.some((entry) => entry.error) ? 1 : 0;
  } finally {
    await registry.stop();
  }
}

function printEntries(entries: ExperimentEntry[], dir: string, out: (line: string) => void): void {
  if (entries.length === 0) {
    out(`no experiments in ${dir}`);
    return;
  }
  for (const entry of entries) {
    out(`${entry.name}  (${entry.file})${entry.description ? `  ${entry.description}` : ''}`);
    if (entry.error) {
      const { code, file, line, column, message } = entry.error;
      const where = [file, line, column].filter((part) => part !== undefined).join(':');
      out(`  ✗ ${code} at ${where}: ${message}`);
    } else if (entry.schema) {
      const lines = describeFields(entry.schema, '  ');
      if (lines.length === 0) out('  (no configuration fields)');
      for (const line of lines) out(line);
    }
  }
  const broken = entries.filter((entry) => entry.error).length;
  out('');
  out(`${entries.length} experiment${entries.length === 1 ? '' : 's'}${broken ? `, ${broken} broken` : ''}`);
}

/** One line per field of a config schema, nested groups and list items indented. */
export function describeFields(schema: JSONSchema, indent: string): string[] {
  const properties = (schema['properties'] ?? {}) as Record<string, JSONSchema>;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const names = Object.keys(properties);
  const width = Math.max(0, ...names.map((name) => name.length));
  const lines: string[] = [];
  for (const name of names) {
    const property = properties[name]!;
    const padded = name.padEnd(width);
    if (property['type'] === 'object') {
      lines.push(`${indent}${padded}  group${about(property)}`);
      lines.push(...describeFields(property, `${indent}  `));
    } else if (property['type'] === 'array') {
      const bounds = range(property['minItems'], property['maxItems']);
      lines.push(`${indent}${padded}  list${bounds ? ` ${bounds} items` : ''}${about(property)}`);
      lines.push(...describeFields(property['items'] as JSONSchema, `${indent}  `));
    } else {
      lines.push(`${indent}${padded}  ${fieldFacts(property, required.has(name)).join(', ')}${about(property)}`);
    }
  }
  return lines;
}

function fieldFacts(property: JSONSchema, required: boolean): string[] {
  const type = property['type'] === 'number' ? 'float' : String(property['type']);
  const facts = [type];
  if (property['enum']) facts.push(`one of ${(property['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}`);
  const bounds =
    type === 'string'
      ? range(property['minLength'], property['maxLength'], ' chars')
      : range(property['minimum'], property['maximum']);
  if (bounds) facts.push(bounds);
  const step = property['x-step'] as { step: number } | undefined;
  if (step) facts.push(`step ${step.step}`);
  if (property['format']) facts.push(`format ${String(property['format'])}`);
  if (property['default'] !== undefined) facts.push(`default ${JSON.stringify(property['default'])}`);
  else if (required) facts.push('required');
  return facts;
}

function range(min: unknown, max: unknown, unit = ''): string {
  if (min === undefined && max === undefined) return '';
  return `${min ?? ''}..${max ?? ''}${unit}`;
}

function about(property: JSONSchema): string {
  const text = [property['title'], property['description']].filter((part) => typeof part === 'string').join(' — ');
  return text ? `  ${text}` : '';
}
