/**
 * Where a run runs: Node, athanor, platform, host, and — when the experiments folder is in
 * a git repository — the commit, the branch and whether the run's files differ from it
 * (with the diff of those files). Read while the run's process starts, off its critical path.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CodeSnapshot, RunEnvironment } from '../records.ts';

const run = promisify(execFile);

const ATHANOR_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The longest diff kept (characters): a diff is read, not archived whole. */
const MAX_DIFF_CHARS = 1024 * 1024;

export interface EnvironmentReading {
  environment: RunEnvironment;
  /** The diff of `files` against the commit, when they differ from it. */
  diff?: string;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 8 * MAX_DIFF_CHARS, timeout: 10_000 });
  return stdout;
}

/**
 * Whether a snapshot's files differ from a commit, and how, depends on nothing else: kept
 * per (folder, code hash, commit), so a sweep of unchanged code asks git once, not per run.
 */
const known = new Map<string, { dirty: boolean; diff?: string }>();
const MAX_KNOWN = 100;

/**
 * Reads the environment of a run whose code is `files` (relative to `root`, the
 * experiments folder) with content hash `codeHash`. Git facts are left out when git or a
 * repository is missing.
 */
export async function readRunEnvironment(root: string, files: readonly string[], codeHash?: string): Promise<EnvironmentReading> {
  const environment: RunEnvironment = { node: process.version, athanor: ATHANOR_VERSION, platform: platform(), arch: arch(), host: hostname() };
  if (!mayBeInRepository(root)) return { environment }; // git would say so, after ~10 ms of starting it
  let head: string[];
  try {
    head = (await git(root, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'])).trim().split('\n');
  } catch {
    return { environment }; // no git, no repository, or no commit yet
  }
  const [commit, branch] = head;
  if (!commit) return { environment };
  const key = codeHash && `${root}\0${codeHash}\0${commit}`;
  const seen = key ? known.get(key) : undefined;
  if (seen) {
    environment.git = { commit, branch: branch && branch !== 'HEAD' ? branch : null, dirty: seen.dirty };
    return { environment, ...(seen.diff === undefined ? {} : { diff: seen.diff }) };
  }
  const reading = await compareWithCommit(root, files, environment, commit, branch);
  if (key) {
    if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value!);
    known.set(key, { dirty: environment.git!.dirty, ...(reading.diff === undefined ? {} : { diff: reading.diff }) });
  }
  return reading;
}

/**
 * Whether git could find a repository for `dir`: a `.git` (folder, or file of a worktree) in
 * it or a folder above, or git told where one is. False means git would answer "not a git
 * repository", so it is not started (a run in a folder outside any repository paid a process).
 */
function mayBeInRepository(dir: string): boolean {
  if (process.env['GIT_DIR'] !== undefined) return true;
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return true;
    if (path.dirname(at) === at) return false;
  }
}

async function compareWithCommit(root: string, files: readonly string[], environment: RunEnvironment, commit: string, branch: string | undefined): Promise<EnvironmentReading> {
  const status = files.length ? (await git(root, ['status', '--porcelain', '--untracked-files=all', '--', ...files])).split('\n').filter(Boolean) : [];
  environment.git = { commit, branch: branch && branch !== 'HEAD' ? branch : null, dirty: status.length > 0 };
  if (status.length === 0) return { environment };
  let diff = await git(root, ['diff', 'HEAD', '--', ...files]);
  // Files git does not track yet are not in `git diff`: shown whole, as added.
  for (const line of status.filter((entry) => entry.startsWith('?? '))) {
    const file = line.slice(3);
    const text = readFileSync(path.join(await gitRoot(root), file), 'utf8');
    diff += `diff --git a/${file} b/${file}\nnew file (untracked)\n--- /dev/null\n+++ b/${file}\n${text.split('\n').map((l) => `+${l}`).join('\n')}\n`;
  }
  if (diff.length > MAX_DIFF_CHARS) diff = `${diff.slice(0, MAX_DIFF_CHARS)}\n… [${diff.length - MAX_DIFF_CHARS} more characters]\n`;
  return { environment, diff };
}

async function gitRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
}

/**
 * The environment of a run of `snapshot`'s files under `root` (their git state among it),
 * with the diff of those files from the commit handed to `keepDiff` (once per code and
 * commit): what a local start and a queued one both record.
 */
export async function environmentOfCode(
  root: string,
  snapshot: Pick<CodeSnapshot, 'hash' | 'files'>,
  keepDiff: (hash: string, commit: string, diff: string) => Promise<void>,
): Promise<RunEnvironment> {
  const { environment, diff } = await readRunEnvironment(root, snapshot.files.map((file) => file.path), snapshot.hash);
  if (diff && environment.git) await keepDiff(snapshot.hash, environment.git.commit, diff);
  return environment;
}
