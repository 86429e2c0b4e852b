/**
 * The run host's exit after the run: file writes under way land first (bounded). tsx writes
 * its transform cache that way; a host that exited at once left the entry empty, and every
 * run of a worker's snapshot paid esbuild again.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';

const test = suite('run host: exiting after the run');

test('a file the run started writing and did not wait for is whole once the run has ended', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-host-exit-'));
  try {
    await withServer(
      async ({ api, workbench }) => {
        const path = join(dir, 'out.txt');
        const instance = await api('POST', '/api/instances', { experiment: 'unawaited_write', name: 'w', configuration: { path, mb: 8 } });
        assert.is(instance.status, 201, JSON.stringify(instance.body));
        const run = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
        const final = await workbench.experiments.waitForRun(run.body.id);
        assert.is(final.status, 'completed', String(final.error));
        assert.is((await stat(path)).size, 8 * 1024 * 1024);
      },
      { fixtures: ['test/fixtures/run-host/unawaited_write.ts'] },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
