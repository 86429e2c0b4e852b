// The record of what agents did over MCP (issue 17), the same on every backend: kept with
// client, arguments and outcome, newest first, paged; runs an agent started say which.
import * as assert from 'uvu/assert';
import { InputError } from '../../core/errors.ts';
import { suiteForEachBackend } from '../helpers/databases.ts';
import { serviceContext, type ConformanceContext } from './experiments-service.conformance.ts';

suiteForEachBackend('agent actions', (test, database) => {
  let ctx: ConformanceContext;
  test.before.each(() => {
    ctx = serviceContext(database());
  });

  test('each action is kept as given and listed newest first, a page at a time', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const service = ctx.service;
    const timed = (await import('../../core/experiments-service.ts')).createExperimentsService({
      database: ctx.database,
      definitions: ctx.definitions.lookup,
      now: () => new Date((clock += 1000)),
    });
    for (let i = 0; i < 5; i++) {
      await timed.recordAgentAction({ client: 'claude-code', tool: 'start_run', arguments: { instanceId: `i${i}`, nested: { a: [1, 2] } }, outcome: i === 3 ? 'error' : 'ok', detail: `call ${i}` });
    }
    const first = await service.listAgentActions({ limit: 2 });
    assert.equal(first.items.map((a) => a.detail), ['call 4', 'call 3']);
    assert.is(first.items[1]!.outcome, 'error');
    assert.equal(first.items[0]!.arguments, { instanceId: 'i4', nested: { a: [1, 2] } });
    assert.is(first.items[0]!.client, 'claude-code');
    assert.is(first.items[0]!.at, '2026-12-01T10:00:05.000Z');
    const second = await service.listAgentActions({ limit: 2, cursor: first.next });
    assert.equal(second.items.map((a) => a.detail), ['call 2', 'call 1']);
    const last = await service.listAgentActions({ limit: 2, cursor: second.next });
    assert.equal(last.items.map((a) => a.detail), ['call 0']);
    assert.is(last.next, null);
  });

  test('bad paging is refused naming it', async () => {
    for (const [options, pattern] of [[{ limit: 0 }, /limit must be a whole number from 1 to 500, got 0/], [{ cursor: 'nope' }, /cursor "nope" is not one this server gave/]] as const) {
      try {
        await ctx.service.listAgentActions(options);
        assert.unreachable('expected an InputError');
      } catch (error) {
        assert.instance(error, InputError);
        assert.match((error as Error).message, pattern);
      }
    }
  });

  test('a run, a rerun and a sweep started by an agent name it; others are null', async () => {
    const { service, database: db } = ctx;
    const instance = await service.createInstance({ experiment: 'my_experiment', name: 'a' });
    const byPerson = await service.createRun(instance.id);
    const byAgent = await service.createRun(instance.id, {}, { agent: 'claude-code' });
    assert.is(byPerson.agent, null);
    assert.is(byAgent.agent, 'claude-code');
    assert.is((await service.getRun(byAgent.id)).agent, 'claude-code');
    await db.db.updateTable('runs').set({ configuration: JSON.stringify({ iterations: 10 }) }).where('id', '=', byPerson.id).execute();
    assert.is((await service.createRerun(byPerson.id, 'current', { agent: 'cursor' })).agent, 'cursor');
    const sweep = await service.createSweep({ experiment: 'my_experiment', name: 's', grid: { iterations: [1, 2] } }, { agent: 'cursor' });
    assert.equal(sweep.runs.map((run) => run.agent), ['cursor', 'cursor']);
    try {
      await service.createRun(instance.id, {}, { agent: '' });
      assert.unreachable('expected an InputError');
    } catch (error) {
      assert.match((error as Error).message, /agent must be a client name/);
    }
  });
});
