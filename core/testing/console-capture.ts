/**
 * What an in-process run prints with `console` becomes its logs, as a run host's stdout
 * and stderr do (`console.log` → info, `console.error` → error).
 *
 * Design note: the console is patched once, for good, and each call asks an
 * AsyncLocalStorage whose run it belongs to. Only calls made inside a run (its `await`
 * chains included) are captured; the test's own output, and runs of other tests going on
 * at the same time, are untouched. Outside a run the patch calls the original method.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Receives a run's printed lines, like a run host's stdout and stderr. */
export type OutputTarget = (stream: 'stdout' | 'stderr', line: string) => void;

const STREAM_OF = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const;

const storage = new AsyncLocalStorage<OutputTarget>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const [method, stream] of Object.entries(STREAM_OF) as [keyof typeof STREAM_OF, 'stdout' | 'stderr'][]) {
    const original = console[method];
    console[method] = function (this: Console, ...args: unknown[]) {
      const target = storage.getStore();
      if (!target) return original.apply(this, args);
      for (const line of format(...args).split('\n')) target(stream, line);
    };
  }
}

/** Calls `fn`, sending what it (and whatever it awaits) prints to `target`. */
export function captureConsole<T>(target: OutputTarget, fn: () => T): T {
  install();
  return storage.run(target, fn);
}
