/** The `sampler` experiment (a nested configuration group) added to a test workbench, for the instance history's suites. */
import { readFile } from 'node:fs/promises';
import type { ServerContext } from './http-workbench.ts';

const SOURCE = new URL('../fixtures/history/sampler.ts', import.meta.url);

/** Writes sampler.ts into the workbench's experiments folder through the API; resolves once it loads. */
export async function addSampler({ api }: Pick<ServerContext, 'api'>): Promise<void> {
  const created = await api('POST', '/api/experiments', { file: 'sampler.ts' });
  if (created.status !== 201) throw new Error(`creating sampler.ts: ${created.status} ${JSON.stringify(created.body)}`);
  const saved = await api('PUT', '/api/experiments/sampler/source', { source: await readFile(SOURCE, 'utf8') });
  if (saved.status !== 200 || saved.body.experiment?.error || saved.body.experiment?.name !== 'sampler') {
    throw new Error(`sampler.ts does not load: ${JSON.stringify(saved.body)}`);
  }
}
