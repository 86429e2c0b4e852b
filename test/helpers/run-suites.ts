/**
 * One test process of the runner (test/run-tests.mjs): runs the files matching its pattern as
 * uvu's bin does, and prints after each file the seconds it took (`  (12.3 s)`), which the
 * runner gathers into its table of the slowest files. With `--browser` (the browser suites'
 * processes) it then closes the Chromium and Vite the files shared, so the process ends by
 * itself (uvu's bin left them open: the runner waited 5 s, killed it and then Chromium).
 *
 * Usage: node --import tsx test/helpers/run-suites.ts [--browser] [--no-color] test <pattern>
 */
import { parse } from 'uvu/parse';

/** What uvu runs of a file: its name, then its suites' runs, each answering [errors, passed, skipped, total]. */
type Outcome = [string, number, number, number];
const uvuGlobals = globalThis as unknown as { UVU_DEFER: number; UVU_INDEX: number; UVU_QUEUE: Array<Array<unknown>> };

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const [dir = 'test', pattern] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
// As uvu's bin does: its colours (kleur's, read as uvu loads) off, for this process and its children.
if (flags.includes('--no-color')) process.env.FORCE_COLOR = '0';
const { suites } = await parse(dir, pattern, {});

// As uvu/run does (its bin's), with a run before a file's suites and one after them that
// prints the time between (neither counts a test).
uvuGlobals.UVU_DEFER = 1;
const uvu = await import('uvu');
for (const [index, suite] of suites.entries()) {
  uvuGlobals.UVU_INDEX = index;
  const group: unknown[] = [suite.name];
  uvuGlobals.UVU_QUEUE.push(group);
  await import(`file:///${suite.file}`);
  let started = 0;
  group.splice(1, 0, async (): Promise<Outcome> => ((started = performance.now()), ['', 0, 0, 0]));
  group.push(async (): Promise<Outcome> => (process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`), ['', 0, 0, 0]));
}
await uvu.exec(false);
// Imported after the suites: uvu must be loaded first (it defers the suites' runs).
if (flags.includes('--browser')) await (await import('./browser.ts')).closeBrowserSuites();
