/**
 * The `athanor` command: dispatches to sub-commands and turns errors into exit codes
 * (2 for bad input or an environment to fix — a held database folder, a taken port —
 * naming what was wrong; 1 with the stack for anything else).
 */
import { InputError } from '../errors.ts';
import { parseCommandArgs, refuseArguments } from './cli-args.ts';
import { escapeControls } from './terminal-text.ts';
import { LIST_USAGE, TYPES_USAGE, USAGE } from './usage.ts';

/**
 * Errors that mean the command was given something wrong: exit 2, the message only.
 * `ERR_BAD_PATH` and `ERR_TOO_LARGE`: an experiments folder that cannot be read or is far too large;
 * `ERR_CONFLICT`: a name that is taken (a sweep's instance names).
 */
const BAD_INPUT_CODES = ['ERR_BAD_INPUT', 'ERR_NOT_FOUND', 'ERR_CONFLICT', 'ERR_DATABASE_SPEC', 'ERR_ENVIRONMENT', 'ERR_BAD_PATH', 'ERR_TOO_LARGE'];

// Lines may carry an experiment's text (its description, its load error): controls escaped.
const line = (stream: NodeJS.WriteStream) => (text: string) => stream.write(`${escapeControls(text)}\n`);

/** Prints a command's usage (`athanor list --help`); exit 0. */
function usage(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

async function dispatch(command: string | undefined, args: string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    // Each command is loaded when it runs: `--help` or `init` does not pay for the server.
    case 'dev':
    case 'serve':
      return (await import('./commands/dev-command.ts')).devCommand(args, line(process.stdout), command);
    case 'run':
      return (await import('./commands/run-command.ts')).runCommand(args, io);
    case 'sweep':
      return (await import('./commands/sweep-command.ts')).sweepCommand(args, io);
    case 'list': {
      const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false } });
      if (values.help) return usage(LIST_USAGE);
      refuseArguments('list', positionals, { readsExperiments: true });
      const { listCommand } = await import('./commands/list-command.ts');
      return listCommand({ experimentsDir: values.experiments, json: values.json as boolean, out: line(process.stdout) });
    }
    case 'types': {
      const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' } });
      if (values.help) return usage(TYPES_USAGE);
      refuseArguments('types', positionals, { readsExperiments: true, writesTo: 'the .d.ts files' });
      const { typesCommand } = await import('./commands/types-command.ts');
      return typesCommand({ experimentsDir: values.experiments, outDir: values.out, out: line(process.stdout) });
    }
    case 'worker':
      return (await import('./commands/worker-command.ts')).workerCommand(args, line(process.stdout));
    case 'migrate':
      return (await import('./commands/migrate-command.ts')).migrateCommand(args, line(process.stdout));
    case 'mcp':
      // stdout is the MCP protocol: the command's own lines go to stderr.
      return (await import('./commands/mcp-command.ts')).mcpCommand(args, line(process.stderr));
    case 'init':
      return (await import('./commands/init-command.ts')).initCommand(args, line(process.stdout));
    case 'version':
    case '--version':
    case '-v': {
      // package.json sits two folders up, from the sources and from the compiled package alike.
      const { readFile } = await import('node:fs/promises');
      const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`athanor ${version} (Node ${process.versions.node})\n`);
      return 0;
    }
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

/**
 * A reader that stops early (`athanor list | head`) closes the pipe: the lines after are
 * dropped, as the command goes on to its end (a run still completes and is stored), rather
 * than an unhandled EPIPE crashing it with a stack trace.
 */
function dropOutputOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** The commands whose `--json` promises one JSON object on stdout: bad input gets one too. */
const JSON_COMMANDS = new Set(['run', 'sweep', 'list']);

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  dropOutputOnClosedPipe(process.stdout);
  dropOutputOnClosedPipe(process.stderr);
  // Bad input is told on stderr, and with --json as `{"error": …}` on stdout too (as `list`
  // tells a folder it cannot read), so a script reading stdout is not left with nothing.
  const json = JSON_COMMANDS.has(command ?? '') && args.includes('--json');
  const badInput = (message: string, detail?: string): number => {
    process.stderr.write(`athanor: ${escapeControls(detail ?? message)}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    return 2;
  };
  try {
    return await dispatch(command, args);
  } catch (error) {
    if ((error as Error)?.name === 'ConfigValidationError') {
      const messages = (error as { errors: { message: string }[] }).errors.map((e) => e.message);
      return badInput(`invalid configuration: ${messages.join('; ')}`, `invalid configuration:\n${messages.map((m) => `  ${m}`).join('\n')}`);
    }
    if (BAD_INPUT_CODES.includes((error as { code?: unknown })?.code as string)) return badInput((error as Error).message);
    process.stderr.write(`athanor: ${escapeControls(String((error as Error)?.stack ?? error))}\n`);
    return 1;
  }
}
