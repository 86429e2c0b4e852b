import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../../helpers/databases.ts';
import { allLogs, withKernel } from '../../helpers/kernel.ts';

// On every backend: Postgres and PGlite refuse NUL and lone surrogates in text and jsonb,
// which a run may write behind the Runtime's back (issue 18's probe).
suiteForEachBackend('run kernel: text a database cannot hold', (text, database) => {
  text('text a database cannot hold (NUL, lone surrogates) is stored as U+FFFD, and the run keeps its error', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const run = await runToEnd({ mode: 'unstorable' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'boom\uFFFD\uFFFD');
      // Printed lines and the Runtime's entries come on two pipes: their order between them is not fixed.
      const messages = (await allLogs(service, run.id)).map((entry) => [entry.message, entry.metadata]).filter(([message]) => message !== 'mode unstorable');
      assert.equal(messages.sort(), [
        ['a\uFFFDb', { stream: 'stdout' }],
        ['lone \uFFFD x', { stream: 'stderr' }],
        ['nul\uFFFDlog', { k: 'v\uFFFD' }],
      ].sort());
      const [result] = (await service.readResults(run.id)).items;
      assert.equal([result!.key, result!.value], ['r\uFFFDk', 'v\uFFFD\uFFFD']);
      assert.equal((await service.getRun(run.id)).progress?.message, 'half\uFFFDway');
    });
  });

  text('binary garbage on the frame pipe fails the run, and its error is recorded', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const run = await runToEnd({ mode: 'binary_frame' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'broke the protocol: a frame is not JSON');
      assert.is((await service.getRun(run.id)).status, 'failed');
    });
  });

});
