import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'pgsql-ast-parser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { inlineParameters, StatementTemplates } from '../../storage/backends/memory-statements.ts';
import { openDatabase } from '../../storage/open-database.ts';

/** Statements as Kysely compiles them, with values of every kind the memory backend inlines. */
const CASES: { sql: string; parameters: unknown[] }[] = [
  {
    sql: 'insert into "runs" ("id", "status", "options", "created_at", "retries") values ($1, $2, $3, $4, $5) returning *',
    parameters: ['0b7c4c1e-8f43-4a57-9a87-2d6a3c1f0a11', "it's pending", { nested: ['a', 1, null], quote: "'$2'" }, new Date('2026-12-04T12:00:00.123Z'), 3],
  },
  { sql: 'select * from "runs" where "id" in ($1, $2, $3) and "retries" > $4 order by "created_at" desc limit $5', parameters: ['a', 'b', '$1', 0n, 50] },
  { sql: 'update "runs" set "error" = $1, "owner" = $2 where "status" = any($3) and "flag" = $4', parameters: [null, undefined, ['running', 'pending'], true] },
  { sql: 'select $1::jsonb as "v", $2::bytea as "b", $3 as "empty"', parameters: ['{"a": 1}', Buffer.from([0, 255, 16]), []] },
  { sql: 'select count(*) as "n" from "instances"', parameters: [] },
];

const test = suite('memory backend: statements parsed once, values put in as literals');
let dir: string;

test.before.each(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'athanor-statements-'));
});
test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a template with its values in place is the statement the parser reads from the values inlined', () => {
  const templates = new StatementTemplates(path.join(dir, 'statements.json'));
  for (const query of CASES) {
    assert.equal(templates.statements(query.sql, query.parameters), parse(inlineParameters(query)), query.sql);
  }
  // The same template again, with other values: parsed once, filled anew, the first tree unchanged.
  const [first] = CASES;
  const again = [...first!.parameters];
  again[1] = 'completed';
  const before = JSON.stringify(templates.statements(first!.sql, first!.parameters));
  assert.equal(templates.statements(first!.sql, again), parse(inlineParameters({ sql: first!.sql, parameters: again })));
  assert.is(JSON.stringify(templates.statements(first!.sql, first!.parameters)), before);
  assert.is(templates.parsedHere, CASES.length);
});

test('a template missing a value is refused, naming the placeholder', () => {
  const templates = new StatementTemplates(path.join(dir, 'statements.json'));
  assert.throws(() => templates.statements('select * from "runs" where "id" = $1 and "status" = $2', ['x']), /no value for \$2/);
});

test('the next process parses none of the templates the last one kept, and reads the same trees', () => {
  const file = path.join(dir, 'cache', 'statements.json');
  const first = new StatementTemplates(file);
  const trees = CASES.map((query) => first.statements(query.sql, query.parameters));
  first.save();
  const next = new StatementTemplates(file);
  assert.equal(CASES.map((query) => next.statements(query.sql, query.parameters)), trees);
  assert.is(next.parsedHere, 0);
});

test('a template the parser refuses runs as text, and is not kept', async () => {
  const file = path.join(dir, 'statements.json');
  const templates = new StatementTemplates(file);
  assert.is(templates.statements('select $1 frum nowhere where', [1]), undefined);
  templates.save();
  assert.is(await readFile(file, 'utf8').catch(() => 'absent'), 'absent');
});

test('an unreadable kept file only means parsing again; it is replaced', async () => {
  const file = path.join(dir, 'statements.json');
  await writeFile(file, '{not json');
  const templates = new StatementTemplates(file);
  assert.equal(templates.statements(CASES[4]!.sql, []), parse(CASES[4]!.sql));
  assert.is(templates.parsedHere, 1);
  templates.save();
  assert.equal(Object.keys(JSON.parse(await readFile(file, 'utf8'))), [CASES[4]!.sql]);
});

test('a memory database keeps the templates of its migrations and queries in the cache folder when it closes', async () => {
  const previous = process.env['ATHANOR_CACHE_DIR'];
  // The process's templates are made at first use (here): in this folder.
  process.env['ATHANOR_CACHE_DIR'] = dir;
  try {
    const db = await openDatabase('memory');
    await db.close();
  } finally {
    if (previous === undefined) delete process.env['ATHANOR_CACHE_DIR'];
    else process.env['ATHANOR_CACHE_DIR'] = previous;
  }
  const { statementTemplates } = await import('../../storage/backends/memory-statements.ts');
  const kept = JSON.parse(await readFile(statementTemplates().file, 'utf8')) as Record<string, unknown>;
  assert.ok(Object.keys(kept).some((sql) => sql.startsWith('create table "runs"')), 'the migrations are kept');
});

test.run();
