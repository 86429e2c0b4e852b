/**
 * Turns what importing a module or calling its `experiment()` threw into an
 * {@link ExperimentError} with a code, the file at fault and, where there is one, its line
 * and column (1-based). Runs in the loader process; pure apart from the injected readers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentError } from '../registry/registry-types.ts';
import { toPosix } from '../discovery/experiment-files.ts';

/** A position in a file. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** A file's text, or undefined when it cannot be read: the {@link ErrorMapperHost.readSource} of a real host. */
export function readSourceOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** `file:line:column` (as editors and terminals link it), or as much of it as is known. */
export function formatLocation(where: Partial<SourceLocation>): string {
  return [where.file, where.line, where.line === undefined ? undefined : where.column].filter((part) => part !== undefined).join(':');
}

/** What the mapper may ask of its host (the loader child gives real ones; tests may fake them). */
export interface ErrorMapperHost {
  /** The experiments folder (absolute). */
  root: string;
  /** A file's text, or undefined. */
  readSource(file: string): string | undefined;
  /** Where a module fails to parse, for engines whose SyntaxError carries no location. */
  locateSyntaxError?(file: string, source: string): { line: number; column: number; message: string } | undefined;
}

const TRANSFORM_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m;
const STACK_FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^():]+?(?:\?[^:)]*)?):(\d+):(\d+)\)?\s*$/;

/** Maps an error thrown by `import()` of `file`. */
export function describeImportError(error: unknown, file: string, host: ErrorMapperHost): ExperimentError {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  const transform = e.message.match(TRANSFORM_ERROR);
  if (transform) {
    const [, at, line, column, message] = transform;
    return located('ERR_SYNTAX', `Syntax error: ${message}`, { file: at!, line: Number(line), column: Number(column) + 1 }, host);
  }
  // MODULE_NOT_FOUND: require()'s (a module tsx loads as CommonJS, outside a "type": "module" project).
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') return notFound(e, file, host);
  if (e.name === 'SyntaxError') return syntaxError(e, file, host);
  const where = locateInStack(e.stack, host.root) ?? { file };
  return located('ERR_TOP_LEVEL_THROW', `The module threw while loading: ${e.name}: ${e.message}`, where, host);
}

/** Maps an error thrown by `experiment()` or `resolve()`. */
export function describeDefinitionError(error: unknown, file: string, host: ErrorMapperHost): ExperimentError {
  const e = error instanceof Error ? error : new Error(String(error));
  // A rule broken in the chain is found when the definition is read, after experiment()
  // returned: no frame is the experiment's, so point at its experiment() export.
  const where = locateInStack(e.stack, host.root, true) ?? findText(file, host, ['function experiment', 'experiment']) ?? { file };
  const isRuleError = e.name === 'DefinitionError' || (e as { code?: unknown }).code === 'ERR_INVALID_DEFINITION';
  return isRuleError
    ? located('ERR_INVALID_DEFINITION', `Invalid definition: ${e.message}`, where, host)
    : located('ERR_EXPERIMENT_THROW', `experiment() threw ${e.name}: ${e.message}`, where, host);
}

/** An error about `file` as a whole (no location). */
export function fileError(code: string, message: string, file: string, root: string): ExperimentError {
  return { code, message, file: relativeTo(root, file) };
}

/**
 * The first stack frame in a file of the experiments folder, else (unless `insideOnly`)
 * the first outside Node and node_modules.
 */
export function locateInStack(stack: string | undefined, root: string, insideOnly = false): SourceLocation | undefined {
  let fallback: SourceLocation | undefined;
  for (const line of (stack ?? '').split('\n')) {
    const frame = line.match(STACK_FRAME);
    if (!frame) continue;
    const file = toPath(frame[1]!);
    if (file.includes(`${path.sep}node_modules${path.sep}`) || file.includes(`${path.sep}plugins${path.sep}loader${path.sep}`)) continue;
    const location = { file, line: Number(frame[2]), column: Number(frame[3]) };
    if (isInside(root, file)) return location;
    fallback ??= location;
  }
  return insideOnly ? undefined : fallback;
}

function syntaxError(e: Error, file: string, host: ErrorMapperHost): ExperimentError {
  const missing = e.message.match(/module ['"](.+?)['"] does not provide an export named ['"](.+?)['"]/);
  if (missing) {
    const where = findText(file, host, [missing[2]!], { near: missing[1]! }) ?? { file };
    return located('ERR_SYNTAX', `${e.message}: export it from that module, or fix the import`, where, host);
  }
  const source = host.readSource(file);
  const found = source !== undefined ? host.locateSyntaxError?.(file, source) : undefined;
  const where = found ? { file, line: found.line, column: found.column } : { file };
  return located('ERR_SYNTAX', `Syntax error: ${e.message}`, where, host);
}

function notFound(e: Error, file: string, host: ErrorMapperHost): ExperimentError {
  // import's "… imported from FILE", or require()'s "Require stack:\n- FILE" (dropped from the message).
  const importer = e.message.match(/imported from (\S+)/)?.[1] ?? e.message.match(/\nRequire stack:\n- (.+)/)?.[1];
  const importerFile = importer ? toPath(importer) : file;
  const target = e.message.match(/Cannot find (?:module|package) ['"]([^'"]+)['"]/)?.[1];
  const needles = target ? [target, path.basename(target), path.basename(target, path.extname(target))] : [];
  const found = findText(importerFile, host, needles, { specifier: true });
  const inside = (text: string) => text.replaceAll(host.root + path.sep, '').replaceAll(`file://${host.root}/`, '');
  let message = inside(e.message.replace(/\nRequire stack:[\s\S]*$/, ''));
  // The module as the import names it ('./lib/gone.ts'), not as Node resolved it (lib/gone.ts, once the folder is cut).
  if (found?.specifier && target) message = message.replace(`'${inside(target)}'`, `'${found.specifier}'`);
  const packageName = target && bareSpecifier(target);
  if (packageName) message += `: ${installHint(packageName, path.dirname(importerFile))}`;
  return located('ERR_IMPORT_NOT_FOUND', message, found ?? { file: importerFile }, host);
}

/** The package a bare specifier names ('athanor/testing' → 'athanor', '@scope/x/y' → '@scope/x'), else undefined. */
function bareSpecifier(specifier: string): string | undefined {
  if (/^(\.{1,2}(\/|$)|\/|[a-z]+:)/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** What to do about a package that is not installed, from the package.json nearest `dir`. */
function installHint(name: string, dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    const file = path.join(at, 'package.json');
    let manifest: Record<string, Record<string, unknown> | undefined> | undefined;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      manifest = undefined;
    }
    if (manifest) {
      const listed = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some((key) => manifest![key]?.[name] !== undefined);
      return listed ? `it is in ${file} but not installed: run npm install in ${at}` : `it is not installed, nor in ${file}: npm install ${name}`;
    }
    if (path.dirname(at) === at) return `there is no package.json above ${dir}: athanor init makes a project with athanor installed`;
  }
}

const importLine = (line: string | undefined): boolean => line !== undefined && (/\b(import|from|export)\b/.test(line) || line.includes('import('));

/**
 * The first import line of `file` mentioning one of `needles` (and `near`, when given). With
 * `specifier`, the column is the opening quote of the string holding the needle (as tsc marks
 * an import it cannot find), not the needle inside it (a file's base name, mid-path), and
 * `specifier` is that string's text, as the import writes it.
 */
function findText(file: string, host: ErrorMapperHost, needles: string[], options: { near?: string; specifier?: boolean } = {}): (SourceLocation & { specifier?: string }) | undefined {
  const lines = host.readSource(file)?.split('\n') ?? [];
  const nearBase = options.near ? path.basename(options.near) : undefined;
  for (const needle of needles) {
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      // An import line, or the line its path is on when written on its own (`} from\n  './x.ts'`).
      if (!importLine(text) && !(/^\s*['"`]/.test(text) && importLine(lines[i - 1]))) continue;
      if (nearBase && !text.includes(nearBase) && !lines.slice(i, i + 8).join('\n').includes(nearBase)) continue;
      const column = text.indexOf(needle);
      if (column < 0) continue;
      const quote = options.specifier ? Math.max(...["'", '"', '`'].map((q) => text.lastIndexOf(q, column))) : -1;
      const end = quote >= 0 ? text.indexOf(text[quote]!, quote + 1) : -1;
      return { file, line: i + 1, column: (quote >= 0 ? quote : column) + 1, ...(end > quote ? { specifier: text.slice(quote + 1, end) } : {}) };
    }
  }
  return undefined;
}

function located(code: string, message: string, where: SourceLocation, host: ErrorMapperHost): ExperimentError {
  return {
    code,
    message,
    file: relativeTo(host.root, toPath(where.file)),
    ...(where.line !== undefined ? { line: where.line } : {}),
    ...(where.column !== undefined ? { column: where.column } : {}),
  };
}

function toPath(fileOrUrl: string): string {
  const clean = fileOrUrl.replace(/\?.*$/, '');
  if (!clean.startsWith('file:')) return clean;
  try {
    return fileURLToPath(clean);
  } catch {
    return clean;
  }
}

function relativeTo(root: string, file: string): string {
  return path.isAbsolute(file) ? toPosix(path.relative(root, file)) : toPosix(file);
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
