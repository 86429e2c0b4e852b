/**
 * A real run kernel for tests: storage (any backend), the event bus, the service, a
 * local dispatcher forking real run hosts, and the supervisor, over the fixture
 * experiments in test/fixtures/kernel. `withKernel` always stops everything.
 */
import { fileURLToPath } from 'node:url';
import { createEventBus, type EventBus } from '../../core/events/event-bus.ts';
import type { AthanorEvent } from '../../core/events/event-map.ts';
import { createExperimentsService, type DatabaseHandle, type ExperimentsService } from '../../core/experiments-service.ts';
import type { Run, RunOptions } from '../../core/records.ts';
import { createLocalDispatcher } from '../../core/supervisor/local-dispatcher.ts';
import { createRunSupervisor, type RunSupervisor, type RunSupervisorOptions } from '../../core/supervisor/run-supervisor.ts';
import { experiment as kernelFixture } from '../fixtures/kernel/kernel_fixture.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/kernel/', import.meta.url));
const definitions = new Map([['kernel_fixture', kernelFixture().resolve()]]);

export interface Kernel {
  service: ExperimentsService;
  supervisor: RunSupervisor;
  bus: EventBus;
  events: AthanorEvent[];
  /** Creates an instance of the fixture with this config and starts a run of it. */
  startRun(configuration: Record<string, unknown>, options?: RunOptions): Promise<Run>;
  /** Starts a run and waits for its end. */
  runToEnd(configuration: Record<string, unknown>): Promise<Run>;
}

export type KernelOptions = Partial<Pick<RunSupervisorOptions, 'concurrency' | 'graceMs' | 'killAfterMs' | 'maxEntryBytes' | 'staleAfterMs' | 'memoryMb' | 'databaseOutageMs'>> & {
  execArgv?: string[];
};

let instanceCounter = 0;

export async function withKernel<T>(database: DatabaseHandle, fn: (kernel: Kernel) => Promise<T>, options: KernelOptions = {}): Promise<T> {
  const bus = createEventBus();
  const events: AthanorEvent[] = [];
  bus.subscribe('*', (event) => events.push(event));
  const service = createExperimentsService({ database, definitions: (name) => definitions.get(name) });
  const { execArgv, ...supervisorOptions } = options;
  const supervisor = createRunSupervisor({
    service,
    bus,
    // One host warm for the first run, none warmed after each (rewarm: false, as `athanor run`
    // does): the host warmed for a run that never came was a whole host start at every kernel's end.
    dispatcher: createLocalDispatcher({ execArgv, rewarm: false }),
    resolveExperiment: async (name) => ({ file: `${name}.ts`, absoluteFile: `${FIXTURES}${name}.ts`, codeHash: 'fixture-hash' }),
    ...supervisorOptions,
  });
  await supervisor.start();
  const startRun = async (configuration: Record<string, unknown>, runOptions?: RunOptions) => {
    const instance = await service.createInstance({ experiment: 'kernel_fixture', name: `t${++instanceCounter}-${Math.random().toString(36).slice(2, 8)}`, configuration });
    const run = await service.createRun(instance.id, runOptions);
    return supervisor.startRun(run.id);
  };
  const kernel: Kernel = {
    service,
    supervisor,
    bus,
    events,
    startRun,
    runToEnd: async (configuration) => supervisor.waitFor((await startRun(configuration)).id),
  };
  try {
    return await fn(kernel);
  } finally {
    await supervisor.stop();
  }
}

/** Every log message of a run, in order. */
export async function allLogs(service: ExperimentsService, runId: string) {
  const logs = [];
  for (let after = 0; ; ) {
    const page = await service.readLogs(runId, { after, limit: 10_000 });
    logs.push(...page.items);
    if (!page.next) return logs;
    after = Number(page.next);
  }
}
