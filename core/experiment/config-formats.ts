/**
 * The `format` names a string field may use: the JSON Schema formats ajv-formats checks,
 * plus hints that only change how a form shows the field.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

/** Formats that only tell the form how to render a string; any value passes. */
export const UI_HINT_FORMATS: readonly string[] = ['textarea', 'multiline', 'code', 'markdown', 'color'];

/** Every accepted format name. */
export const KNOWN_FORMATS: readonly string[] = [...Object.keys(fullFormats), ...UI_HINT_FORMATS];

export function isKnownFormat(name: string): boolean {
  return KNOWN_FORMATS.includes(name);
}
