// What a run records of its environment's git: found from a folder below the repository's
// root, and nothing (without starting git) outside any repository.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readRunEnvironment } from '../../../core/supervisor/run-environment.ts';

test('an experiments folder two levels below a repository’s root records its commit; a folder outside any repository records no git', async () => {
  const root = await mkdtemp(join(tmpdir(), 'athanor-env-'));
  try {
    const repository = join(root, 'repo');
    const experiments = join(repository, 'lab', 'experiments');
    await mkdir(experiments, { recursive: true });
    await writeFile(join(experiments, 'a.ts'), 'export {};\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repository, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const inside = await readRunEnvironment(experiments, ['a.ts'], 'hash');
    assert.equal(inside.environment.git, { commit: git('rev-parse', 'HEAD'), branch: 'main', dirty: false });

    const outside = join(root, 'elsewhere');
    await mkdir(outside);
    const reading = await readRunEnvironment(outside, ['a.ts'], 'hash');
    assert.is(reading.environment.git, undefined);
    assert.is(reading.environment.node, process.version);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test.run();
