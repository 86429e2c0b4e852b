/**
 * The `athanor` command: dispatches to sub-commands and turns errors into exit codes
 * (2 for bad input or an environment to fix — a held database folder, a taken port —
 * naming what was wrong; 1 with the stack for anything else).
 */
import { ConfigValidationError } from '../experiment/index.ts';
import { InputError } from '../errors.ts';
import { devCommand, DEV_USAGE, SERVE_USAGE } from './commands/dev-command.ts';
import { initCommand, INIT_USAGE } from './commands/init-command.ts';
import { listCommand } from './commands/list-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { runCommand, RUN_USAGE } from './commands/run-command.ts';
import { sweepCommand, SWEEP_USAGE } from './commands/sweep-command.ts';
import { typesCommand } from './commands/types-command.ts';
import { parseCommandArgs } from './cli-args.ts';
import { escapeControls } from './terminal-text.ts';

const USAGE = `athanor — a workbench for running experiments from TypeScript code

Usage:
  ${DEV_USAGE}
  ${SERVE_USAGE}
  ${RUN_USAGE}
  ${SWEEP_USAGE}
      one instance and run per combination of the grid's values (a,b · from..to:step ·
      from..to step s · true,false · a JSON list); a table of every run's configuration
      and latest metrics at the end
  athanor list [--json]                 the experiments, with their fields or errors
  athanor types [--out DIR]             write each experiment's config .d.ts
  athanor migrate                       apply database migrations
  ${INIT_USAGE}

Every command takes --experiments DIR (default ./experiments) and --db SPEC
(memory, pglite:DIR (default pglite:.athanor/db) or a postgres:// URL; also ATHANOR_DATABASE_URL).
`;

/**
 * Errors that mean the command was given something wrong: exit 2, the message only.
 * `ERR_BAD_PATH` and `ERR_TOO_LARGE`: an experiments folder that cannot be read or is far too large;
 * `ERR_CONFLICT`: a name that is taken (a sweep's instance names).
 */
const BAD_INPUT_CODES = ['ERR_BAD_INPUT', 'ERR_NOT_FOUND', 'ERR_CONFLICT', 'ERR_DATABASE_SPEC', 'ERR_ENVIRONMENT', 'ERR_BAD_PATH', 'ERR_TOO_LARGE'];

// Lines may carry an experiment's text (its description, its load error): controls escaped.
const line = (stream: NodeJS.WriteStream) => (text: string) => stream.write(`${escapeControls(text)}\n`);

async function dispatch(command: string | undefined, args: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case 'dev':
      return devCommand(args, line(process.stdout));
    case 'serve':
      return devCommand(args, line(process.stdout), 'serve');
    case 'run':
      return runCommand(args, io);
    case 'sweep':
      return sweepCommand(args, io);
    case 'list': {
      const { values } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
      return listCommand({ experimentsDir: values.experiments, json: values.json as boolean, out: line(process.stdout) });
    }
    case 'types': {
      const { values } = parseCommandArgs(args, { out: { type: 'string' } });
      return typesCommand({ experimentsDir: values.experiments, outDir: values.out, out: line(process.stdout) });
    }
    case 'migrate':
      return migrateCommand(args, line(process.stdout));
    case 'init':
      return initCommand(args, line(process.stdout));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new InputError(`unknown command "${command}"; run \`athanor help\``);
  }
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    return await dispatch(command, args);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`athanor: invalid configuration:\n${escapeControls(error.errors.map((e) => `  ${e.message}`).join('\n'))}\n`);
      return 2;
    }
    if (BAD_INPUT_CODES.includes((error as { code?: unknown })?.code as string)) {
      process.stderr.write(`athanor: ${escapeControls((error as Error).message)}\n`);
      return 2;
    }
    process.stderr.write(`athanor: ${escapeControls(String((error as Error)?.stack ?? error))}\n`);
    return 1;
  }
}
