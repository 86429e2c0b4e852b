/**
 * Statements for pg-mem, parsed once per machine rather than once per execution.
 *
 * pg-mem parses every statement with an Earley parser (nearley, through pgsql-ast-parser):
 * 5–30 ms a statement in a fresh process, most of a `--db memory` command's start (a one-line
 * `athanor run` parsed 69 statements, ~0.3 s of its ~0.8). The memory backend inlines values
 * as literals (memory-backend.ts), so each execution's text is new and pg-mem's own cache of
 * texts rarely hits.
 *
 * Here Kysely's statement templates (`$1…$n` placeholders) are parsed instead, each once,
 * by the same parser pg-mem uses; the trees are kept in the user's cache folder
 * (`pg-mem-statements-<parser version>.json`) for the next process. Each execution puts its
 * values into the template's tree as the literal nodes the parser makes of the inlined
 * text (`toLiteralNode` mirrors `toLiteral`), and pg-mem runs the tree.
 *
 * Design notes:
 * - Trees are shared and never changed: filling in values copies only the nodes on the way
 *   to a placeholder (pg-mem's own cache shares trees the same way).
 * - A template the parser refuses is run as inlined text, as before, and not kept.
 * - The file and what a process holds are bounded (MAX_TEMPLATES, MAX_HELD: templates whose
 *   length varies with a list, such as `in ($1, $2, …)`, would otherwise grow them). The file
 *   is written to a temporary file and renamed, merged with what other processes wrote
 *   meanwhile. A file that cannot be read or written only means parsing again.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Statement } from 'pgsql-ast-parser';
import { athanorCacheDir } from '../cache-dir.ts';

const require = createRequire(import.meta.url);
// Required, as pg-mem requires it (one CommonJS module, loaded once).
const { parse } = require('pgsql-ast-parser') as typeof import('pgsql-ast-parser');

/** Templates kept in the file, and held by a process (past that, new ones run as text: memory stays flat). */
const MAX_TEMPLATES = 2_000;
const MAX_HELD = 5_000;
const MAX_TEMPLATE_LENGTH = 20_000;

/** An AST node: the parser's trees are plain JSON. */
type Node = unknown;

/**
 * A parameter as a literal Postgres reads back as the same value (see memory-backend.ts's
 * note), as text: the text of its node, so inlined text and filled trees always agree.
 */
export function toLiteral(value: unknown): string {
  return literalText(toLiteralNode(value));
}

type LiteralNode = { type: 'null' } | { type: 'string'; value: string } | { type: 'array'; expressions: LiteralNode[] };

/** SQL for a node of {@link toLiteralNode}. */
function literalText(node: LiteralNode): string {
  if (node.type === 'null') return 'null';
  if (node.type === 'string') return `'${node.value.replaceAll("'", "''")}'`;
  return `ARRAY[${node.expressions.map(literalText).join(', ')}]`;
}

/** The statement as text, values inlined: `$1…$n` replaced in one pass, so a value containing `$2` is never replaced again. */
export function inlineParameters(query: { sql: string; parameters: readonly unknown[] }): string {
  const { parameters } = query;
  if (parameters.length === 0) return query.sql;
  return query.sql.replace(/\$(\d+)/g, (placeholder, index: string) => {
    const i = Number(index) - 1;
    if (i >= parameters.length) throw new Error(`no value for ${placeholder} in: ${query.sql}`);
    return toLiteral(parameters[i]);
  });
}

/** The literal node the parser makes of a value inlined as text (memory-backend.ts's note): numbers and dates as strings Postgres casts. */
export function toLiteralNode(value: unknown): LiteralNode {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return { type: 'string', value: `${value}` };
  if (value instanceof Date) return { type: 'string', value: value.toISOString() };
  if (Buffer.isBuffer(value)) return { type: 'string', value: `\\x${value.toString('hex')}` };
  if (Array.isArray(value)) return value.length === 0 ? { type: 'string', value: '{}' } : { type: 'array', expressions: value.map(toLiteralNode) };
  return { type: 'string', value: JSON.stringify(value) };
}

/** `node` with each placeholder replaced by its value's literal; untouched subtrees shared. */
function fill(node: Node, values: readonly unknown[], sql: string): Node {
  if (Array.isArray(node)) {
    let copy: Node[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const filled = fill(node[i], values, sql);
      if (filled !== node[i]) (copy ??= node.slice())[i] = filled;
    }
    return copy ?? node;
  }
  if (node === null || typeof node !== 'object') return node;
  const record = node as Record<string, Node>;
  if (record['type'] === 'parameter' && typeof record['name'] === 'string') {
    const index = Number(record['name'].slice(1)) - 1;
    if (!(index >= 0 && index < values.length)) throw new Error(`no value for ${record['name']} in: ${sql}`);
    return toLiteralNode(values[index]);
  }
  let copy: Record<string, Node> | undefined;
  for (const key in record) {
    const filled = fill(record[key], values, sql);
    if (filled !== record[key]) (copy ??= { ...record })[key] = filled;
  }
  return copy ?? node;
}

function parserVersion(): string {
  try {
    return (require('pgsql-ast-parser/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Parsed templates kept in `file`: one per process (statementTemplates()), shared by its memory databases. */
export class StatementTemplates {
  /** Where the templates are kept. */
  readonly file: string;
  /** A template's statements, or null where the parser refused it (run as text). */
  #parsed: Map<string, Statement[] | null> | undefined;
  /** Templates parsed here since the file was last written. */
  #added = 0;
  /** Templates this instance parsed (not read from the file). */
  parsedHere = 0;

  constructor(file: string) {
    this.file = file;
  }

  /** The statements of `sql` with `parameters` in place, or undefined to run it as inlined text. */
  statements(sql: string, parameters: readonly unknown[]): Statement[] | undefined {
    const parsed = (this.#parsed ??= new Map(Object.entries(this.#readFile())));
    let statements = parsed.get(sql);
    if (statements === undefined) {
      if (sql.length > MAX_TEMPLATE_LENGTH || parsed.size >= MAX_HELD) return undefined;
      this.parsedHere += 1;
      try {
        statements = parse(sql);
      } catch {
        statements = null;
      }
      parsed.set(sql, statements);
      if (statements && parsed.size <= MAX_TEMPLATES) this.#added += 1;
    }
    if (!statements) return undefined;
    return parameters.length === 0 ? statements : (fill(statements, parameters, sql) as Statement[]);
  }

  /** Writes the templates parsed here (with those other processes wrote meanwhile). */
  save(): void {
    if (this.#added === 0 || !this.#parsed) return;
    this.#added = 0;
    try {
      const kept = this.#readFile();
      for (const [sql, statements] of this.#parsed) {
        if (Object.keys(kept).length >= MAX_TEMPLATES) break;
        if (statements && sql.length <= MAX_TEMPLATE_LENGTH) kept[sql] ??= statements;
      }
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}`;
      writeFileSync(temporary, JSON.stringify(kept));
      try {
        renameSync(temporary, this.file);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    } catch {
      // Not kept: the next process parses them again.
    }
  }

  #readFile(): Record<string, Statement[]> {
    try {
      const kept = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return kept && typeof kept === 'object' && !Array.isArray(kept) ? (kept as Record<string, Statement[]>) : {};
    } catch {
      return {};
    }
  }

}

let templates: StatementTemplates | undefined;

/** The process's templates, kept in `cacheDir` (the user's cache folder by default). */
export function statementTemplates(cacheDir = athanorCacheDir()): StatementTemplates {
  return (templates ??= new StatementTemplates(path.join(cacheDir, `pg-mem-statements-${parserVersion()}.json`)));
}
