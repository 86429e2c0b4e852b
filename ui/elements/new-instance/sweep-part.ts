/**
 * The sweep part of `<athanor-new-instance>`: its grid of values, what it reports (the
 * combinations, what stops it), the Start button's words, and sending it.
 */
import { html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, type ApiClient, type ExperimentInfo } from '../../client/api-client.ts';
import { sweepDestination } from '../../state/sweep-plan.ts';
import '../athanor-sweep-grid.ts';
import { fieldOfError, type AthanorSweepGrid, type SweepChangeDetail } from '../athanor-sweep-grid.ts';
import type { AthanorConfigForm } from '../athanor-config-form.ts';

/** The host's side: where the grid is rendered. */
export interface SweepPartHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** What a sweep is sent with, besides its grid. */
export interface SweepRequest {
  experiment: string;
  name: string;
  description: string | null;
  form: AthanorConfigForm;
}

const en = (n: number) => n.toLocaleString('en');

/**
 * Holds what the grid last reported, as state of the host: the Start button and its hint
 * follow the grid's every change (a value made valid without changing the count included),
 * not a reading taken at the host's last render.
 */
export class SweepPart implements ReactiveController {
  readonly #host: SweepPartHost;
  #reported: SweepChangeDetail | undefined;

  constructor(host: SweepPartHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  get grid(): AthanorSweepGrid | null {
    return this.#host.renderRoot.querySelector('athanor-sweep-grid');
  }

  /** The sweep's combinations (0 before a field is switched on). */
  get combinations(): number {
    return this.#reported?.combinations ?? 0;
  }

  /** What stops the sweep from being sent, in words. */
  get problems(): string[] {
    return this.#reported?.problems ?? this.grid?.problems ?? [];
  }

  #onChange = (event: CustomEvent<SweepChangeDetail>) => {
    // A grid of the experiment shown before (replaced before its first update) may still speak.
    if (event.target !== this.grid) return;
    this.#reported = event.detail;
    this.#host.requestUpdate();
  };

  /** The grid, keyed by experiment: another experiment's choices do not carry over. */
  render(experiment: ExperimentInfo, base: Record<string, unknown>, name: string) {
    return keyed(
      experiment.name,
      html`<athanor-sweep-grid tabindex="-1" .schema=${experiment.schema ?? undefined} .base=${base} base-name=${name}
        @athanor-sweep-change=${this.#onChange}></athanor-sweep-grid>`,
    );
  }

  /** The Start button's words. */
  label(submitting: boolean): string {
    if (submitting) return 'Starting…';
    const count = this.combinations;
    return count > 0 && count <= 1000 ? `Start ${en(count)} ${count === 1 ? 'run' : 'runs'}` : 'Start the sweep';
  }

  /** What the hint says while the sweep is being started. */
  busy(): string {
    const count = this.combinations;
    return count > 0 ? `Starting ${en(count)} ${count === 1 ? 'run' : 'runs'}…` : 'Starting the sweep…';
  }

  /** Moves the focus to the grid's first problem, else to the grid. */
  async focus(): Promise<void> {
    const grid = this.grid;
    if (grid && !(await grid.focusFirstProblem())) grid.focus();
  }

  /**
   * Sends the sweep; returns where its runs are watched, or `undefined` when it was refused:
   * the grid's fields take their errors, the rest go to `showError` (the configuration, the name, the form).
   */
  async send(client: ApiClient, request: SweepRequest, showError: (error: unknown) => void): Promise<string | undefined> {
    const grid = this.grid;
    if (!grid) return undefined;
    try {
      const result = await client.sweep({
        experiment: request.experiment,
        name: request.name,
        description: request.description,
        configuration: request.form.value,
        grid: grid.grid,
      });
      return sweepDestination(result.runs.map((run) => run.id), request.experiment, result.instances.map((instance) => instance.id));
    } catch (error) {
      const errors = error instanceof ApiError ? error.errors : [];
      const mine = errors.filter((e) => fieldOfError(e.path, grid.fields));
      grid.serverErrors = mine;
      const rest = errors.filter((e) => !mine.includes(e));
      if (rest.length || !mine.length) showError(error instanceof ApiError && rest.length !== errors.length ? new ApiError(error.status, error.code, error.message, rest) : error);
      if (mine.length) await grid.focusFirstProblem();
      return undefined;
    }
  }
}
