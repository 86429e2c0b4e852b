/**
 * What each command takes, in one place: `athanor --help` prints them without loading
 * any command (each is imported only when it runs).
 */
export const DEV_USAGE =
  'athanor dev [--port 4000] [--host 127.0.0.1] [--token TOKEN] [--allow-origin URL]... [--open] [--database-outage 60] [--runs local|queue|both] [--experiments DIR] [--db SPEC]';
export const SERVE_USAGE = 'athanor serve [same options as dev]: the workbench for production: built UI, no watching';
export const RUN_USAGE = `athanor run <experiment> [--set key=value]... [--instance NAME] [--json] [--experiments DIR] [--db SPEC]`;
export const SWEEP_USAGE =
  'athanor sweep <experiment> --grid field=v1,v2 [--grid field=from..to:step]... [--set key=value]... [--name NAME] [--json] [--experiments DIR] [--db SPEC]';
export const MCP_USAGE =
  'athanor mcp [--experiments DIR] [--db SPEC]   the MCP server over stdio for AI agents (passes to the running workbench\'s /mcp when it holds the database)';
export const WORKER_USAGE =
  'athanor worker --db postgres://… [--concurrency 2] [--name NAME] [--project DIR] [--drain 60s] [--heartbeat 5s]';
export const LIST_USAGE = 'athanor list [--json]                 the experiments, with their fields or errors';
export const TYPES_USAGE = "athanor types [--out DIR]             write each experiment's config .d.ts";
export const MIGRATE_USAGE = 'athanor migrate                       apply database migrations';
export const INIT_USAGE = 'athanor init [dir]                    scaffold a project (package.json, tsconfig.json, experiments/, test/) in a new or empty folder';

/** What `--experiments` and `--db` say under each command's `--help`. */
const COMMON_OPTIONS = `  --experiments DIR   the experiments folder (default ./experiments)
  --db SPEC           memory, pglite:DIR (default pglite:.athanor/db) or a postgres:// URL (also ATHANOR_DATABASE_URL)`;

/** `athanor run --help`. */
export const RUN_HELP = `${RUN_USAGE}

One headless run of an experiment: its logs and progress as they come, then its results.
  <experiment>        its name (athanor list shows them)
  --set key=value     a configuration field, repeatable: dotted keys for groups (sampling.top_k=10),
                      JSON for lists and objects (tags='["a","b"]'); the rest converted for the field
  --instance NAME     run that instance as saved, or create it with the --set values
                      (without it, each run gets a new instance named "cli <time>")
  --json              one JSON object at the end: {runId, status, error, results, configuration, …}
${COMMON_OPTIONS}
Beside a running \`athanor dev\` on the same database, the run is handed to it (it shows in the UI).
Exit 0 completed, 1 failed, 2 bad input (nothing written), 130 cancelled (Ctrl-C).`;

/** `athanor sweep --help`. */
export const SWEEP_HELP = `${SWEEP_USAGE}

One instance and run per combination of the grid's values, then a table of their configurations
and latest metrics.
  --grid field=VALUES a field's values, repeatable: a,b · from..to:step · from..to step s ·
                      true,false · a JSON list
  --set key=value     a field the same in every run (as athanor run takes it)
  --name NAME         the start of every instance's name: NAME · field=value · … (default "sweep <time>")
  --json              {instances, runs} as JSON at the end (progress on stderr)
${COMMON_OPTIONS}
Exit 0 all completed, 1 any did not, 2 bad input (nothing created), 130 Ctrl-C (cancels them).`;

/** `athanor dev --help` (and serve's). */
export const DEV_HELP = `${DEV_USAGE}
${SERVE_USAGE}

The workbench: discovers the experiments, reloads them as their files change (dev), and serves
the UI and the HTTP API.
  --port N            the port (default 4000; 0 picks a free one)
  --host ADDR         the address to listen on (default 127.0.0.1: this machine only)
  --token TOKEN       require this token of every request (off the loopback, one is made if not given)
  --allow-origin URL  a page origin allowed to call the API (repeatable)
  --open              open the workbench in the browser
  --database-outage S seconds runs wait for a Postgres server that went away (default 60)
  --runs MODE         where runs execute: local (the default), queue (athanor worker takes them)
                      or both (the default on Postgres)
${COMMON_OPTIONS}
Ctrl-C or SIGTERM cancels active runs, stores their output and exits 0.`;

export const USAGE = `athanor — a workbench for running experiments from TypeScript code

Usage:
  ${DEV_USAGE}
  ${SERVE_USAGE}
  ${RUN_USAGE}
  ${SWEEP_USAGE}
      one instance and run per combination of the grid's values (a,b · from..to:step ·
      from..to step s · true,false · a JSON list); a table of every run's configuration
      and latest metrics at the end
  ${WORKER_USAGE}
      join the run pool: take queued runs from the shared Postgres and run them here
      (a workbench queues them with --runs queue|both; the default on Postgres is both)
  ${LIST_USAGE}
  ${TYPES_USAGE}
  ${MIGRATE_USAGE}
  ${MCP_USAGE}
  ${INIT_USAGE}

athanor --version prints its version; athanor COMMAND --help, what the command takes.
Every command takes --experiments DIR (default ./experiments) and --db SPEC
(memory, pglite:DIR (default pglite:.athanor/db) or a postgres:// URL; also ATHANOR_DATABASE_URL).
`;
