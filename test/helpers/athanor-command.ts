/**
 * The `athanor` command the CLI suites spawn, and the package their projects import.
 *
 * Under the runner (`npm test`, `npm run test:unit`: its shared folder is set), the package as
 * `npm pack` ships it (scripts/package-copy.ts: compiled JavaScript, the built UI), made from
 * the sources as they are once per run, when a suite first asks, and shared by every test
 * process. That is what users run, and it starts ~1 s sooner a command than a checkout's
 * bin/athanor.js, which compiles athanor's TypeScript through tsx (the CLI suites took twice
 * the time). A file run by uvu alone, or with ATHANOR_TEST_CLI=checkout, uses this checkout.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageCopy } from '../../scripts/package-copy.ts';
import { buildOnce, sharedBuiltUiDir } from './build-once.ts';

const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));
/** This checkout's command, whatever the run: for what only a checkout does (the UI from source through Vite). */
export const CHECKOUT_BIN = join(CHECKOUT, 'bin/athanor.js');

let root: Promise<string> | undefined;

/** The root of the athanor package under test: the shared package copy, or this checkout. */
export function athanorPackage(): Promise<string> {
  root ??= (async () => {
    const shared = process.env.ATHANOR_TEST_SHARED;
    if (!shared || process.env.ATHANOR_TEST_CLI === 'checkout') return CHECKOUT;
    const builtUi = await sharedBuiltUiDir();
    // Transpiled file by file, not by tsc (byte-identical JavaScript here; ~10 CPU-s less): typecheck checks the types, init.pack.test.ts packs with tsc.
    return buildOnce(join(shared, 'package'), async (into) => void (await packageCopy(into, { builtUi, transpileOnly: true })));
  })();
  return root;
}

/** The `athanor` command to spawn with Node: the package's `bin/athanor.js`. */
export async function athanorBin(): Promise<string> {
  return join(await athanorPackage(), 'bin/athanor.js');
}
