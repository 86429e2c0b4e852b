#!/usr/bin/env node
// The `athanor` command. Athanor ships TypeScript sources; tsx compiles them (and the
// user's experiments) on the fly, so register it before loading the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
