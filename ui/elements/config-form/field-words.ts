/**
 * The words the configuration form shows around its fields: a field's hint ("at least 1
 * character", "1 to 100"), an error as it reads beside its field (without the
 * `config.path:` prefix the CLI and API need), and what one item of a list is called
 * ("+ Add prompt", "Prompt 2").
 */
import type { ConfigError } from '../../../core/experiment/config-validator.ts';
import type { PropertySchema } from './config-model.ts';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A count's bounds in words: "at least 1 character", "2 to 20 characters", "exactly 3 items". */
export function countLimits(min: number | undefined, max: number | undefined, noun: string): string {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${plural(max, noun)}` : `${min} to ${max} ${noun}s`;
  if (min !== undefined && min > 0) return `at least ${plural(min, noun)}`;
  if (max !== undefined) return `at most ${plural(max, noun)}`;
  return '';
}

/** A number's bounds in words: "1 to 100", "at least 0", "at most 5". */
function numberLimits(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return '';
}

/** A field's hint: its description, then its rules. */
export function fieldHint(schema: PropertySchema): string {
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  parts.push(numberLimits(schema.minimum, schema.maximum));
  const step = schema['x-step'];
  if (step) parts.push(`step ${step.step}${step.base ? ` from ${step.base}` : ''}`);
  parts.push(countLimits(schema.minLength, schema.maxLength, 'character'));
  if (schema.format && !['textarea', 'multiline'].includes(schema.format)) parts.push(schema.format);
  return parts.filter(Boolean).join(' · ');
}

/** A list's hint: its description, then how many items it takes. */
export function listHint(schema: PropertySchema): string {
  return [schema.description, countLimits(schema.minItems, schema.maxItems, 'item')].filter(Boolean).join(' · ');
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * An error as it reads beside its field: "config.trials: -5 is below the minimum 1" →
 * "-5 is below the minimum 1", "config.title is required" → "Required", "config.prompts:
 * has 0 items, fewer than the minimum 1" → "0 items, fewer than the minimum 1". The field
 * is already named by its label; messages not in that shape are kept whole.
 */
export function besideField(error: ConfigError): string {
  const prefix = `config.${error.path}`;
  if (!error.message.startsWith(prefix)) return error.message;
  const rest = error.message.slice(prefix.length);
  const match = /^:? (.*)$/s.exec(rest);
  if (!match) return error.message;
  const text = match[1]!.replace(/^(is|has) /, '');
  return capitalise(text);
}

/**
 * What one item of a list is called: its schema's title, else the list's label made
 * singular when that is plain ("prompts" → "prompt", "categories" → "category"), else "item".
 */
export function itemNoun(listLabel: string, itemSchema: PropertySchema): string {
  if (itemSchema.title) return itemSchema.title;
  const word = listLabel.trim();
  if (!/^[A-Za-z][a-z]*$/.test(word)) return 'item';
  const lower = /^[A-Z][a-z]*$/.test(word) ? word.toLowerCase() : word;
  if (/[^aeiou]ies$/.test(lower)) return `${lower.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(lower)) return 'item';
  if (/(x|ch|sh|ss)es$/.test(lower)) return lower.slice(0, -2);
  if (/s$/.test(lower)) return lower.slice(0, -1);
  return 'item';
}

export { capitalise };
