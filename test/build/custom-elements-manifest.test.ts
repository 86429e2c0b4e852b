import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const manifest = JSON.parse(await readFile(new URL('../../custom-elements.json', import.meta.url), 'utf8'));
const elements = new Map<string, { attributes?: { name: string }[] }>();
for (const module of manifest.modules) {
  for (const declaration of module.declarations ?? []) if (declaration.customElement) elements.set(declaration.tagName, declaration);
}

test('custom-elements.json describes every embeddable view with the attributes it takes', () => {
  const expected: Record<string, string[]> = {
    'athanor-dashboard': ['api', 'experiment', 'sort', 'q'],
    'athanor-instance-view': ['api', 'instance-id'],
    'athanor-instance-history': ['api', 'instance-id', 'version'],
    'athanor-run-view': ['api', 'run-id'],
    'athanor-run-record': ['api', 'run-id'],
    'athanor-run-again': ['api', 'run-id'],
    'athanor-code-snapshot': ['api', 'run-id', 'code-hash', 'file'],
    'athanor-code-diff': ['api', 'run-id', 'experiment', 'layout'],
    'athanor-new-instance': ['api', 'experiment', 'from', 'sweep'],
    'athanor-source-pane': ['api', 'experiment'],
    'athanor-runs-table': ['api', 'experiment', 'query', 'page-size'],
    'athanor-compare': ['api', 'runs', 'baseline'],
    'athanor-agent-actions': ['api', 'page-size'],
  };
  for (const [tag, attributes] of Object.entries(expected)) {
    const element = elements.get(tag);
    assert.ok(element, `${tag} is in the manifest (npm run manifest regenerates it)`);
    const names = (element.attributes ?? []).map((a) => a.name);
    for (const attribute of attributes) assert.ok(names.includes(attribute), `${tag} lists its ${attribute} attribute`);
  }
});

test('internal state is not listed as attributes', () => {
  const names = (elements.get('athanor-run-view')?.attributes ?? []).map((a) => a.name);
  assert.not.ok(names.includes('run'), 'the loaded run record is state, not an attribute');
});

test('custom-elements.json is what `npm run manifest` makes of the sources now (npm pack regenerates it: a stale one changed the checkout)', async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // The analyzer writes beside its config (and into package.json): a copy of what it reads.
  const scratch = await mkdtemp(join(tmpdir(), 'athanor-manifest-'));
  try {
    for (const entry of ['ui', 'package.json', 'custom-elements-manifest.config.mjs']) await cp(join(root, entry), join(scratch, entry), { recursive: true });
    execFileSync(process.execPath, [join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--config', 'custom-elements-manifest.config.mjs'], { cwd: scratch, stdio: 'pipe' });
    const fresh = await readFile(join(scratch, 'custom-elements.json'), 'utf8');
    assert.ok(fresh === (await readFile(join(root, 'custom-elements.json'), 'utf8')), 'custom-elements.json is out of date: run npm run manifest and commit it');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test.run();
