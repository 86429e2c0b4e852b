/**
 * A run's code, kept: the experiment module and every local module it imports (the module
 * graph; not node_modules), read once, hashed exactly as the code hash runs record
 * (computeCodeHash), so the hash addresses the snapshot and unchanged code is stored once.
 *
 * Bounded: a file over `fileBytes` or past `totalBytes` keeps its path and size only, and
 * the snapshot says so in `note` (it cannot then be rerun as it was).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toPosix } from '../discovery/experiment-files.ts';
import { codeMembers, hashMembers, moduleNode, type NodeReader } from './module-graph.ts';
import type { CodeSnapshot, SnapshotFile } from '../../core/records.ts';

export type { CodeSnapshot, SnapshotFile };

export const SNAPSHOT_LIMITS = { fileBytes: 1024 * 1024, totalBytes: 10 * 1024 * 1024 };

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** Snapshots `file` and its local imports; undefined when the file does not exist. */
export async function takeCodeSnapshot(file: string, root: string, limits = SNAPSHOT_LIMITS): Promise<CodeSnapshot | undefined> {
  const contents = new Map<string, Buffer>();
  const read: NodeReader = async (candidate) => {
    try {
      const content = contents.get(candidate) ?? (await readFile(candidate));
      contents.set(candidate, content);
      return moduleNode(candidate, content);
    } catch {
      return undefined;
    }
  };
  const members = await codeMembers(file, read);
  if (!members) return undefined;
  const files: SnapshotFile[] = [];
  let kept = 0;
  let total = 0;
  const omitted: string[] = [];
  for (const member of [...members.keys()].sort()) {
    const content = contents.get(member)!;
    const entry: SnapshotFile = { path: toPosix(path.relative(root, member)), bytes: content.length };
    total += content.length;
    if (content.length > limits.fileBytes) entry.omitted = `over ${mib(limits.fileBytes)} a file`;
    else if (kept + content.length > limits.totalBytes) entry.omitted = `over ${mib(limits.totalBytes)} a snapshot`;
    else {
      entry.source = content.toString('utf8');
      kept += content.length;
    }
    if (entry.omitted) omitted.push(`${entry.path} (${mib(content.length)}, ${entry.omitted})`);
    files.push(entry);
  }
  return {
    hash: hashMembers(members, root),
    entry: toPosix(path.relative(root, file)),
    files,
    bytes: total,
    note: omitted.length ? `not kept: ${omitted.join(', ')}` : null,
  };
}
