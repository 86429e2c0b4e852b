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

Every command takes --experiments DIR (default ./experiments) and --db SPEC
(memory, pglite:DIR (default pglite:.athanor/db) or a postgres:// URL; also ATHANOR_DATABASE_URL).
`;
