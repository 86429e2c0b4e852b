/**
 * The code samples of a Markdown guide, with the marker that says how each is tested.
 *
 * The convention: the line before a fence is an HTML comment naming what the sample is.
 * - `<!-- file: PATH -->` (ts): a file of the sample project, at PATH.
 * - `<!-- run -->` (ts): a script, executed in the sample project; it must exit 0.
 * - `<!-- sh: run -->` (sh): each line is an `npx athanor …` command run in the sample
 *   project; it must exit 0, or N when the line ends with `# exit N`.
 * - `<!-- not-tested: WHY -->`: skipped; WHY says why and which test covers it instead.
 * A `text` block is a listing, not code, and needs no marker. Any other unmarked block is
 * an error, so no sample goes untested by accident.
 */

export type SampleMarker =
  | { kind: 'file'; path: string }
  | { kind: 'run' }
  | { kind: 'sh-run' }
  | { kind: 'not-tested'; why: string }
  | { kind: 'listing' };

export interface Sample {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  marker: SampleMarker | undefined;
}

const FENCE = /^```(\S*)\s*$/;
const MARKER = /^<!--\s*(.+?)\s*-->$/;

function parseMarker(text: string | undefined, lang: string): SampleMarker | undefined {
  const body = text?.match(MARKER)?.[1];
  if (body === undefined) return lang === 'text' ? { kind: 'listing' } : undefined;
  const file = body.match(/^file:\s*(\S+)$/);
  if (file) return { kind: 'file', path: file[1]! };
  if (body === 'run') return { kind: 'run' };
  if (body === 'sh: run') return { kind: 'sh-run' };
  const skipped = body.match(/^not-tested:\s*(.+)$/);
  if (skipped) return { kind: 'not-tested', why: skipped[1]! };
  return undefined;
}

/** Every fenced block of `markdown`, in order. */
export function parseSamples(markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.match(FENCE);
    if (!open) continue;
    const lang = open[1] ?? '';
    const close = lines.findIndex((text, j) => j > i && text.startsWith('```'));
    if (close === -1) throw new Error(`the fence at line ${i + 1} is never closed`);
    let previous = i - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    samples.push({ lang, code: lines.slice(i + 1, close).join('\n') + '\n', line: i + 1, marker: parseMarker(lines[previous]?.trim(), lang) });
    i = close;
  }
  return samples;
}

/** Why a sample's marker does not fit it, or undefined when it does. */
export function markerProblem(sample: Sample): string | undefined {
  const { marker, lang } = sample;
  if (!marker) return `the ${lang || 'untyped'} block at line ${sample.line} has no marker (<!-- file: PATH -->, <!-- run -->, <!-- sh: run --> or <!-- not-tested: why -->)`;
  if ((marker.kind === 'file' || marker.kind === 'run') && lang !== 'ts') return `line ${sample.line}: only ts blocks can be files or scripts, this is ${lang}`;
  if (marker.kind === 'sh-run' && lang !== 'sh') return `line ${sample.line}: only sh blocks run commands, this is ${lang}`;
  return undefined;
}

/** The commands of an `sh: run` block, with the exit code each must end with. */
export function shellCommands(sample: Sample): { command: string; exitCode: number }[] {
  return sample.code
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => {
      if (!text.startsWith('npx athanor ')) throw new Error(`line ${sample.line}: "${text}" is not an npx athanor command`);
      return { command: text.replace(/\s+#.*$/, ''), exitCode: Number(text.match(/#\s*exit (\d+)\s*$/)?.[1] ?? 0) };
    });
}
