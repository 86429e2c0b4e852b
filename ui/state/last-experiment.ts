/**
 * The experiment this browser last made an instance (or sweep) of, per workbench: a new
 * instance's form starts there rather than at the first experiment by name. Kept in
 * localStorage; where there is none (a sandboxed frame, storage turned off) nothing is kept.
 */
const key = (api: string) => `athanor:last-experiment:${api || location.origin}`;

export function rememberExperiment(api: string, name: string): void {
  try {
    localStorage.setItem(key(api), name);
  } catch {
    /* no storage here: the form starts at the first experiment */
  }
}

export function rememberedExperiment(api: string): string | undefined {
  try {
    return localStorage.getItem(key(api)) ?? undefined;
  } catch {
    return undefined;
  }
}
