/**
 * The `format` names a string field may use: the JSON Schema formats ajv-formats checks,
 * plus hints that only change how a form shows the field.
 *
 * The names are written out rather than read from ajv-formats: loading its formats (their
 * regular expressions and checks) took ~11 ms of every `import 'athanor'`, so of every run's
 * start, for a list of names. The validator loads them when it validates; a test keeps this
 * list equal to ajv-formats' own.
 */

/** The formats ajv-formats checks (`Object.keys(fullFormats)` of ajv-formats 3). */
export const CHECKED_FORMATS: readonly string[] = [
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url',
  'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment',
  'relative-json-pointer', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'binary',
];

/** Formats that only tell the form how to render a string; any value passes. */
export const UI_HINT_FORMATS: readonly string[] = ['textarea', 'multiline', 'code', 'markdown', 'color'];

/** Every accepted format name. */
export const KNOWN_FORMATS: readonly string[] = [...CHECKED_FORMATS, ...UI_HINT_FORMATS];

export function isKnownFormat(name: string): boolean {
  return KNOWN_FORMATS.includes(name);
}
