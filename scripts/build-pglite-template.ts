/**
 * `npm run build` (and so `npm pack`): the template of a new, migrated PGlite folder that the
 * package ships in dist/ (see storage/backends/pglite-template.ts), made the way a workbench
 * makes its own: a new folder opened, migrated and dumped, in a scratch cache folder.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pgliteTemplateFile, shippedPgliteTemplateFile } from '../storage/backends/pglite-template.ts';
import { openDatabase } from '../storage/open-database.ts';

const shipped = shippedPgliteTemplateFile();
if (existsSync(shipped)) {
  console.log(`pglite template: ${path.relative(process.cwd(), shipped)} is up to date`);
} else {
  const scratch = await mkdtemp(path.join(tmpdir(), 'athanor-template-'));
  try {
    process.env['ATHANOR_CACHE_DIR'] = path.join(scratch, 'cache');
    const database = await openDatabase(`pglite:${path.join(scratch, 'db')}`);
    await database.close();
    await mkdir(path.dirname(shipped), { recursive: true });
    // Packed tighter than the cache's (made in a hurry, at level 1): it is downloaded with the package.
    await writeFile(shipped, gzipSync(gunzipSync(await readFile(pgliteTemplateFile())), { level: 9 }));
    console.log(`pglite template: ${path.relative(process.cwd(), shipped)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
