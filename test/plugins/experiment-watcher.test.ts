import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createExperimentWatcher } from '../../plugins/watch/experiment-watcher.ts';
import { createTempFolder } from './plugin-test-kit.ts';

test('a new folder is reported once its watch is set: a file written into it then is reported too', async () => {
  const folder = await createTempFolder('watcher');
  const reported = new Set<string>();
  const written: string[] = [];
  // The registry scans a reported folder at once: what is written after that scan must have an event.
  const watcher = createExperimentWatcher({
    root: folder.dir,
    onPath: (file) => reported.add(file),
    onFolder: (dir) => {
      const file = path.join(dir, 'made.ts');
      writeFileSync(file, 'export {};\n');
      written.push(file);
    },
  });
  await watcher.start();
  try {
    for (let i = 0; i < 30; i++) mkdirSync(folder.path(`folder_${i}`));
    const deadline = Date.now() + 15_000;
    while ((written.length < 30 || written.some((file) => !reported.has(file))) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(written.length, 30, 'every folder reported');
    assert.equal(written.filter((file) => !reported.has(file)).map((file) => path.relative(folder.dir, file)), [], 'files written right after their folder was reported, with no event');
  } finally {
    await watcher.stop();
    await folder.remove();
  }
});

test.run();
