#!/usr/bin/env node
// The `athanor` command. The published package runs its compiled JavaScript; a checkout
// (where the TypeScript sources are) registers tsx to run them. Either way tsx loads the
// user's experiments, in the processes that run them.
import { existsSync } from 'node:fs';

const checkout = existsSync(new URL('../core/cli/main.ts', import.meta.url));
if (checkout) (await import('tsx/esm/api')).register();
const { main } = await import(checkout ? '../core/cli/main.ts' : '../core/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
