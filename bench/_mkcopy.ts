import { packagedCopy } from './startup.ts';
import { mkdir, rm } from 'node:fs/promises';
const dir = process.argv[2]!;
await rm(dir, { recursive: true, force: true });
await mkdir(dir);
console.log(await packagedCopy(dir));
