/**
 * A project folder under the system's temporary folder, never inside the repository:
 * `experiments/` with the example and the kernel fixture, and `node_modules/athanor`
 * linked to the package the commands spawned on it run (athanor-command.ts) so that their
 * `import 'athanor'` resolves as in a user's project.
 */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { athanorPackage } from './athanor-command.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TempProject {
  root: string;
  experimentsDir: string;
  /** A pglite spec for a database folder inside the project (created on first open). */
  pglite: string;
  /** Writes `experiments/NAME` (a module's source). */
  addExperiment(file: string, source: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempProject(prefix = 'athanor-project-'): Promise<TempProject> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const experimentsDir = join(root, 'experiments');
  await mkdir(join(root, 'node_modules'), { recursive: true });
  await symlink(await athanorPackage(), join(root, 'node_modules', 'athanor'));
  await mkdir(experimentsDir);
  await cp(join(ROOT, 'test/fixtures/kernel/kernel_fixture.ts'), join(experimentsDir, 'kernel_fixture.ts'));
  await cp(join(ROOT, 'experiments/my_experiment.ts'), join(experimentsDir, 'my_experiment.ts'));
  return {
    root,
    experimentsDir,
    pglite: `pglite:${join(root, 'db')}`,
    addExperiment: (file, source) => writeFile(join(experimentsDir, file), source),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
