/**
 * The browser suites' process (test/run-tests.mjs): runs the files matching its pattern as
 * uvu's bin does, then closes the Chromium and Vite the files shared, so the process ends by
 * itself (uvu's bin left them open: the runner waited 5 s, killed it and then Chromium).
 *
 * Usage: node --import tsx test/helpers/run-browser-suites.ts test <pattern>
 */
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const [dir = 'test', pattern] = process.argv.slice(2);
const context = await parse(dir, pattern, {});
await run(context.suites, { bail: false });
// Imported after the suites: uvu must be loaded by `run` first (it defers the suites' runs).
await (await import('./browser.ts')).closeBrowserSuites();
