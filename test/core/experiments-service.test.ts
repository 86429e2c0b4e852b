// The experiments service's conformance suite, once per backend (pg-mem, PGlite, Postgres).
import { suiteForEachBackend } from '../helpers/databases.ts';
import { defineServiceConformance, serviceContext, type ConformanceContext } from './experiments-service.conformance.ts';
import { defineInstanceListConformance } from './instance-list.conformance.ts';
import { defineSweepConformance } from './sweeps.conformance.ts';
import { defineCompareConformance } from './compare.conformance.ts';

suiteForEachBackend('experiments service', (test, database) => {
  let context: ConformanceContext;
  test.before.each(() => {
    context = serviceContext(database());
  });
  defineServiceConformance(test, () => context);
  defineInstanceListConformance(test, () => context);
  defineSweepConformance(test, () => context);
  defineCompareConformance(test, () => context);
});
