/** The words beside the new-instance form's submit button: what stops it, that it is ready, or that it is under way. */

/** What the form knows when it says what stops it. */
export interface FormState {
  sweep: boolean;
  experimentChosen: boolean;
  name: string;
  /** How many configuration problems there are, and the labels of the fields that have them. */
  configProblems: number;
  problemFields: readonly string[];
  /** The sweep grid's own problems (a sweep only). */
  sweepProblems: readonly string[];
}

/** What stops the form from being sent, in words (empty when it can go). */
export function formProblems(state: FormState): string[] {
  const problems: string[] = [];
  if (!state.experimentChosen) problems.push('choose an experiment');
  if (!state.name.trim()) problems.push(state.sweep ? 'name the sweep' : 'name the instance');
  const count = state.configProblems;
  if (count) {
    // Name where they are: a problem the reader cannot find is no help.
    const where = state.problemFields;
    // Quoted, so a label with brackets of its own ("Latency (ms)") does not nest in ours.
    problems.push(`fix ${count} configuration ${count === 1 ? 'problem' : 'problems'}${where.length ? ` (${where.map((label) => `“${label}”`).join(', ')})` : ''}`);
  }
  if (state.sweep) problems.push(...state.sweepProblems);
  return problems;
}

/**
 * One of: under way (`busy`, while sending), what stops it, or ready (naming the button by
 * its `label`) — never two at once ("Ready: press Enter or Starting…" was).
 */
export function submitHint(o: { sweep: boolean; problems: readonly string[]; busy: string | undefined; label: string }): string {
  if (o.busy) return o.busy;
  if (o.problems.length) return `To ${o.sweep ? 'start it' : 'create it'}: ${o.problems.join(', ')}.`;
  return `Ready: press Enter or “${o.label}”.`;
}
