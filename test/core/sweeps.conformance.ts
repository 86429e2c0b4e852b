/**
 * Sweeps in the experiments service (issue 14): one instance and one pending run per
 * combination, everything checked before anything is written — the same on every backend
 * (run from experiments-service.test.ts, once per backend).
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigValidationError } from '../../core/experiment/index.ts';
import { ConflictError, InputError, NotFoundError } from '../../core/errors.ts';
import type { NewSweep } from '../../core/records.ts';
import type { ConformanceContext } from './experiments-service.conformance.ts';

export function defineSweepConformance(test: Test, ctx: () => ConformanceContext): void {
  const sweep = (input: Partial<NewSweep> & Record<string, unknown>) =>
    ctx().service.createSweep({ experiment: 'my_experiment', name: 'base', grid: { model: ['small', 'large'] }, ...input } as NewSweep);

  async function refused<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> {
    try {
      await promise;
    } catch (error) {
      assert.instance(error, type, `expected ${type.name}, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
      assert.equal(await ctx().service.listInstances(), [], 'nothing is created');
      return error as E;
    }
    return assert.unreachable(`expected a ${type.name}`) as never;
  }

  test('createSweep: an instance and a pending run per combination, in grid order, named from the values', async () => {
    const { service, database } = ctx();
    const result = await sweep({
      description: 'a sweep',
      configuration: { iterations: 3 },
      grid: { model: ['small', 'large'], 'sampling.temperature': [0.1, 0.5, 1] },
    });
    assert.equal(result.instances.map((i) => i.name), [
      'base · model=small · sampling.temperature=0.1',
      'base · model=small · sampling.temperature=0.5',
      'base · model=small · sampling.temperature=1',
      'base · model=large · sampling.temperature=0.1',
      'base · model=large · sampling.temperature=0.5',
      'base · model=large · sampling.temperature=1',
    ]);
    assert.equal(result.instances[3]!.configuration, { iterations: 3, model: 'large', sampling: { temperature: 0.1 } }, 'defaults applied, the base kept');
    assert.is(result.instances[0]!.description, 'a sweep');
    assert.equal(result.runs.map((r) => [r.instanceId, r.status, r.instanceVersion]), result.instances.map((i) => [i.id, 'pending', 1]));
    assert.ok(result.runs.every((run, i) => i === 0 || run.createdAt > result.runs[i - 1]!.createdAt), 'runs list in grid order');
    const stored = await service.getInstance(result.instances[5]!.id);
    assert.equal([stored.name, stored.version, stored.runCounts.pending], [result.instances[5]!.name, 1, 1]);
    assert.equal((await service.listInstanceVersions(stored.id)).items.map((v) => [v.version, v.name]), [[1, stored.name]]);
    const rows = await database.db.selectFrom('runs').select('id').execute();
    assert.is(rows.length, 6);
  });

  test('createSweep refuses an invalid value before creating anything, naming the field, the value and the combination', async () => {
    const error = await refused(sweep({ grid: { model: ['small', 'large'], 'sampling.temperature': [0.5, 3] } }), ConfigValidationError);
    assert.equal(error.errors, [
      {
        path: 'sampling.temperature',
        message: 'config.sampling.temperature: 3 is above the maximum 2 (in 2 of 4 combinations, such as model=small · sampling.temperature=3)',
      },
    ]);
    const one = await refused(sweep({ grid: { model: ['small', 'huge'] } }), ConfigValidationError);
    assert.equal(one.errors, [{ path: 'model', message: 'config.model: "huge" is not one of "small", "large" (in the combination model=huge)' }]);
    // The values of one field that break one rule are one problem, naming them (a range past a maximum was one line a value).
    const range = await refused(sweep({ grid: { iterations: Array.from({ length: 300 }, (_, i) => i + 1), model: ['small', 'large'] } }), ConfigValidationError);
    assert.equal(range.errors, [
      {
        path: 'iterations',
        message: 'config.iterations: 200 values (101, 102, 103, … 300) are above the maximum 100 (in 400 of 600 combinations, such as iterations=101 · model=small)',
      },
    ]);
    const base = await refused(sweep({ configuration: { iterations: 1000 } }), ConfigValidationError);
    assert.equal(base.errors, [{ path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100 (in every combination)' }]);
  });

  test('createSweep refuses unknown grid fields, empty lists and repeated values (422, by name)', async () => {
    const unknown = await refused(sweep({ grid: { modle: ['a'], sampling: [1], iterations: [], model: ['small', 'small'] } }), ConfigValidationError);
    assert.equal(unknown.errors, [
      { path: 'modle', message: 'grid.modle is not a field of this experiment; did you mean "model"? (fields: iterations, model, sampling.temperature)' },
      { path: 'sampling', message: 'grid.sampling is a group: sweep its fields (sampling.temperature)' },
      { path: 'iterations', message: 'grid.iterations must be a list of at least one value, got []' },
      { path: 'model', message: 'grid.model: small is given twice' },
    ]);
    assert.is(unknown.code, 'ERR_INVALID_CONFIG');
  });

  test('createSweep refuses a grid over 1,000 combinations, naming the count', async () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const error = await refused(sweep({ grid: { iterations: range(100), 'sampling.temperature': range(11).map((i) => i / 10) } }), InputError);
    assert.is(error.message, 'the grid has 1100 combinations (100 iterations × 11 sampling.temperature), more than the 1000 a sweep may have: sweep fewer values');
  });

  test('createSweep refuses a taken name (409, naming it) and creates none of the others', async () => {
    const { service } = ctx();
    await service.createInstance({ experiment: 'my_experiment', name: 'base · model=large', configuration: {} });
    try {
      await sweep({});
      assert.unreachable('expected a ConflictError');
    } catch (error) {
      assert.instance(error, ConflictError);
      assert.is((error as Error).message, 'an instance of "my_experiment" already has the name "base · model=large": give the sweep another name');
    }
    assert.equal((await service.listInstances()).map((i) => i.name), ['base · model=large']);
  });

  test('createSweep refuses a malformed request, naming what is wrong', async () => {
    await refused(sweep({ experiment: 'nope' }), NotFoundError);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ grid: undefined }, /grid must be an object of field → list of values, with at least one field, got null/],
      [{ grid: {} }, /grid must be an object .* got \{\}/],
      [{ grid: [['model', 'small']] }, /grid must be an object/],
      [{ name: '' }, /name must be a non-empty string/],
      [{ name: 'x'.repeat(190) }, /name must be a non-empty string of at most 200 characters, got "x{190} · model=small"/],
      [{ configuration: [1] }, /configuration must be an object of field values .* got \[1\]/],
      [{ description: 5 }, /description must be a string, got 5/],
      [{ runs: 3 }, /a sweep takes experiment, name, description, configuration, grid; not runs/],
    ];
    for (const [input, message] of cases) {
      const error = await refused(sweep(input), InputError);
      assert.match(error.message, message);
    }
  });
}
