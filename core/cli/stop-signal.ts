/** How often a command started by npm looks whether npm is still there. */
const PARENT_POLL_MS = 1000;

/** Why a long-running command stops: a signal, or the npm process that started it ended. */
export type StopReason = 'signal' | 'parent';

/**
 * Resolves at the first SIGINT or SIGTERM (Ctrl-C, a service manager's stop), for the
 * long-running commands; or, for a command npm started (`npx athanor dev`, an npm script),
 * once that npm process has ended. npm does not pass a SIGTERM sent to it on (its shell dies
 * and leaves this process serving, adopted by init), so a tool that stops `npx athanor dev` by
 * its npm process would otherwise leave the workbench running. A command started otherwise
 * (`nohup athanor dev &`) keeps running when its parent ends.
 */
export function untilStopSignal(): Promise<StopReason> {
  return new Promise<StopReason>((resolve) => {
    const parent = process.ppid;
    const watch = process.env['npm_execpath']
      ? setInterval(() => {
          if (process.ppid !== parent) stop('parent');
        }, PARENT_POLL_MS).unref()
      : undefined;
    const onSignal = () => stop('signal');
    function stop(reason: StopReason) {
      clearInterval(watch);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(reason);
    }
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** The line a command prints when it stops because the npm process that started it ended. */
export const PARENT_ENDED = 'the npm process that started athanor ended';
