/**
 * An instance's name, checked: the service's rule, which `athanor run --instance` checks too
 * before anything starts (this module loads nothing else, for the command's start-up).
 */
import { InputError } from '../errors.ts';

/** A name for an instance, trimmed; an InputError (naming `what`) for one that is empty or too long. */
export function checkName(name: unknown, what = 'name'): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new InputError(`${what} must be a non-empty string of at most 200 characters, got ${JSON.stringify(name)}`);
  }
  return name.trim();
}
