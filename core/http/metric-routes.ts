/**
 * The routes of metrics and series (issue 14): a run's downsampled series and an
 * experiment's runs table. The query language (sort, filter, columns, cursor) is parsed
 * by the service (core/experiments/runs-table-query.ts), which names the bad part; this
 * only reads the parameters.
 */
import type { Workbench } from '../workbench.ts';
import type { SeriesAxis } from '../experiments-service.ts';
import { HttpError } from './http-errors.ts';
import { intParam, sendJson } from './http-io.ts';
import type { Router } from './http-router.ts';

const badInput = (message: string) => new HttpError(400, 'ERR_BAD_INPUT', message);

/** `points`: a whole number (the service checks its range). */
function pointsParam(url: URL): number | undefined {
  const raw = url.searchParams.get('points');
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw badInput(`points must be a whole number from 2 to 10000, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function axisParam(url: URL): SeriesAxis | undefined {
  const raw = url.searchParams.get('x');
  if (raw === null || raw === '') return undefined;
  if (raw !== 'step' && raw !== 'time') throw badInput(`x must be "step" or "time", got ${JSON.stringify(raw)}`);
  return raw;
}

/** Adds `GET /api/runs/:id/results/series` and `GET /api/experiments/:name/runs`. */
export function metricRoutes(router: Router, workbench: Workbench): void {
  const { experiments } = workbench;
  router.on('GET', '/api/runs/:id/results/series', async ({ response, params, url }) => {
    const key = url.searchParams.get('key');
    if (key === null || key === '') throw badInput('key is required: the result key whose series to read (?key=loss)');
    const points = pointsParam(url);
    const x = axisParam(url);
    const id = await experiments.resolveRunId(params.id!);
    sendJson(response, 200, await experiments.readSeries(id, { key, ...(points === undefined ? {} : { points }), ...(x ? { x } : {}) }));
  });
  router.on('GET', '/api/experiments/:name/runs', async ({ response, params, url }) => {
    const page = await experiments.listExperimentRuns(params.name!, {
      sort: url.searchParams.get('sort'),
      filters: url.searchParams.getAll('filter').filter((filter) => filter !== ''),
      columns: url.searchParams.get('columns'),
      limit: intParam(url, 'limit'),
      cursor: url.searchParams.get('cursor'),
    });
    sendJson(response, 200, page);
  });
}
