/** Words for how a run ended, as stored in the run's `error`. */
import type { WireError } from '../ipc/ipc-protocol.ts';
import type { ExitInfo } from './run-dispatcher.ts';

/** The message, followed by the stack when there is one. */
export function describeWireError(error: WireError): string {
  if (!error.stack) return error.message;
  return error.stack.includes(error.message) ? error.stack : `${error.message}\n${error.stack}`;
}

/** Why a process that never reported an outcome ended. */
export function describeExit(exit: ExitInfo): string {
  if (exit.reason) return exit.reason;
  if (/heap out of memory|Allocation failed|out of memory/i.test(exit.stderrTail)) {
    return "the run's process ran out of memory (JavaScript heap out of memory)";
  }
  if (exit.signal) return `the run's process was killed by ${exit.signal}`;
  return `the run's process exited with code ${exit.code} before run() finished`;
}
