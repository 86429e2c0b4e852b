/**
 * The experiments' configuration schemas, written into the descriptions of the tools that
 * take a configuration (create_instance, update_instance, validate_configuration, sweep),
 * so an agent sees the fields without a call. Kept current: the descriptions are rewritten
 * when an experiment loads, changes or goes (clients are told the tool list changed).
 * Bounded: past {@link MAX_NOTE} characters the rest are named only.
 */
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import type { EventBus } from '../events/event-bus.ts';

const MAX_NOTE = 8_000;

/** The note: each loaded experiment's name and JSON Schema, compact. */
export function schemaNote(registry: ExperimentRegistry): string {
  const loaded = registry.list().filter((entry) => entry.schema && !entry.error);
  if (loaded.length === 0) return '\n\nNo experiment loads now: see list_experiments.';
  let note = '\n\nThe configuration follows the experiment\'s JSON Schema (get_config_schema gives one):';
  const left: string[] = [];
  for (const entry of loaded) {
    const line = `\n- ${entry.name}: ${JSON.stringify(entry.schema)}`;
    if (left.length > 0 || note.length + line.length > MAX_NOTE) left.push(entry.name);
    else note += line;
  }
  if (left.length > 0) note += `\n- and ${left.join(', ')}: call get_config_schema for these.`;
  return note;
}

/**
 * Appends the note to each tool's base description, now and whenever the experiments
 * change; returns the unsubscribe function.
 */
export function keepSchemaNotes(tools: { tool: RegisteredTool; base: string }[], registry: ExperimentRegistry, bus: EventBus): () => void {
  let last = '';
  const refresh = () => {
    const note = schemaNote(registry);
    if (note === last) return;
    last = note;
    for (const { tool, base } of tools) tool.update({ description: base + note });
  };
  refresh();
  const offs = [bus.subscribe('experiment.changed', refresh), bus.subscribe('experiment.removed', refresh)];
  return () => offs.forEach((off) => off());
}
