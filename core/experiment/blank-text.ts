/**
 * A text a table or a name would show as nothing (empty, or only spaces): every place that
 * shows a value quotes it (`""`, `" "`), as a blank reads as no value at all.
 */
export function readsAsBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() === '';
}
