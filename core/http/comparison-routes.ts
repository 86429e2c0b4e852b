/**
 * The routes of sweeps and comparisons (issue 14): `POST /api/sweeps` creates a grid's
 * instances and starts their runs; `GET /api/compare` puts 2 to 20 runs side by side. The
 * services check what they are given and name the bad part; this only reads the request.
 */
import type { Workbench } from '../workbench.ts';
import { HttpError } from './http-errors.ts';
import { intParam, readJsonObject, sendJson } from './http-io.ts';
import type { Router } from './http-router.ts';

/** `runs=ID,ID,…` (ids or prefixes), in order. */
function runsParam(url: URL): string[] {
  const raw = url.searchParams.getAll('runs').join(',');
  if (raw.trim() === '') throw new HttpError(400, 'ERR_BAD_INPUT', 'runs must list the runs to compare: runs=ID,ID,… (2 to 20 ids or prefixes of 8+ characters)');
  const ids = raw.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) throw new HttpError(400, 'ERR_BAD_INPUT', `runs has an empty id between commas: ${JSON.stringify(raw)}`);
  return ids;
}

/** Adds `POST /api/sweeps` and `GET /api/compare`. */
export function comparisonRoutes(router: Router, workbench: Workbench, options: { bodyLimit: number }): void {
  router
    .on('POST', '/api/sweeps', async ({ request, response }) => {
      const body = await readJsonObject(request, options.bodyLimit);
      sendJson(response, 201, await workbench.experiments.sweep(body as never));
    })
    .on('GET', '/api/compare', async ({ response, url }) => {
      const baseline = url.searchParams.get('baseline') ?? undefined;
      const comparison = await workbench.experiments.compareRuns(runsParam(url), { baseline, points: intParam(url, 'points') });
      sendJson(response, 200, comparison);
    });
}
