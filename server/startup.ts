/**
 * The core's start-up wait: probes Kafka, PostgreSQL and Redis, and as soon as Kafka and
 * PostgreSQL answer runs the start steps (migrations, topics, publisher, workers), without a
 * restart. While they do not answer it probes again with the project's backoff
 * (contracts/backoff.ts: 1 s, 2 s, 4 s ... capped, jittered) and keeps a {@link StartupDetail}
 * the API serves (`GET /api/startup`, `GET /api/startup/detail`) for the console's connection
 * screen. A failed start step (a migration, the topics) is kept as `problem` and retried the same
 * way. Each change of a service's state is logged once (not once per probe).
 */
import {
  backoffDelay,
  SERVICE_LABELS,
  STACK_SERVICES,
  type BackoffOptions,
  type ServiceProbe,
  type StackService,
  type StartupDetail,
  type StartupPhase,
} from '../contracts';
import type { Logger } from '../runtime/logger';
import { ServiceUnavailableError } from '../runtime/service-errors';

/** The start, step by step; injected (tests run them against fakes, the core against the stack). */
export interface StartupSteps {
  /** One probe per service (Kafka, PostgreSQL, Redis); never throws (runtime/probes.ts). */
  probe(): Promise<ServiceProbe[]>;
  /** Creates the database when missing and applies the migrations. */
  migrate(): Promise<void>;
  /** Creates the topics and connects the publisher. */
  createTopics(): Promise<void>;
  /** Starts the workers. */
  startWorkers(): void;
}

/** Probe backoff: 1 s doubling to 10 s, jittered. */
export const STARTUP_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 10_000 };

/** Services the core cannot start without (Redis is a cache). */
const REQUIRED: ReadonlySet<StackService> = new Set(['kafka', 'postgres']);

/** How a probe round ended: ready, or why not (the first required service down, or the failed step). */
export type StartupOutcome = { ready: true } | { ready: false; error: Error };

/** Runs the start-up wait; see the module comment. */
export class StartupController {
  private phase: StartupPhase = 'connecting';
  private since = new Date();
  private attempt = 0;
  private nextAttemptAt: Date | null = null;
  private problem: string | null = null;
  private readonly services = new Map<StackService, StartupDetail['services'][number]>();
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly firstRound: Promise<StartupOutcome>;
  private resolveFirst!: (o: StartupOutcome) => void;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  constructor(
    private readonly steps: StartupSteps,
    private readonly log: Logger,
    private readonly addresses: Record<StackService, string>,
    private readonly backoff: BackoffOptions = STARTUP_BACKOFF,
  ) {
    for (const name of STACK_SERVICES) {
      this.services.set(name, {
        name,
        address: addresses[name],
        state: 'checking',
        required: REQUIRED.has(name),
        reached: false,
        version: null,
        latencyMs: null,
        error: null,
        checkedAt: null,
      });
    }
    this.firstRound = new Promise((r) => (this.resolveFirst = r));
    this.ready = new Promise((r) => (this.resolveReady = r));
  }

  /** The state the API serves. */
  detail(): StartupDetail {
    return {
      phase: this.phase,
      services: [...this.services.values()].map((s) => ({ ...s })),
      attempt: this.attempt,
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
      since: this.since.toISOString(),
      problem: this.problem,
    };
  }

  /** Resolves with the outcome of the first probe round (and its start steps, if they ran). */
  firstOutcome(): Promise<StartupOutcome> {
    return this.firstRound;
  }

  /** Resolves once the start completed (never when stopped before). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Marks the state `restarting` (new settings are being applied); the controller stops. */
  markRestarting(): void {
    this.setPhase('restarting');
    this.stop();
  }

  /** Stops probing (the core is stopping or restarting). */
  stop(): void {
    this.stopped = true;
    this.nextAttemptAt = null;
    this.wake?.();
  }

  /** Probes and starts; resolves when ready or stopped. Never throws. */
  async run(): Promise<void> {
    while (!this.stopped) {
      this.attempt += 1;
      const outcome = await this.round();
      if (this.attempt === 1) this.resolveFirst(outcome);
      if (outcome.ready || this.stopped) return;
      const delay = backoffDelay(this.attempt, this.backoff);
      this.nextAttemptAt = new Date(Date.now() + delay);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      this.nextAttemptAt = null;
    }
    if (this.attempt <= 1) this.resolveFirst({ ready: false, error: new Error('the core stopped') });
  }

  private async round(): Promise<StartupOutcome> {
    this.setPhase('connecting');
    const probes = await this.steps.probe();
    if (this.stopped) return { ready: false, error: new Error('the core stopped') };
    const checkedAt = new Date().toISOString();
    for (const p of probes) this.record(p, checkedAt);
    const down = probes.find((p) => REQUIRED.has(p.name) && !p.reached);
    if (down) return { ready: false, error: probeError(down) };
    try {
      this.setPhase('migrating');
      await this.steps.migrate();
      if (this.stopped) return { ready: false, error: new Error('the core stopped') };
      this.setPhase('creating_topics');
      await this.steps.createTopics();
      if (this.stopped) return { ready: false, error: new Error('the core stopped') };
      this.setPhase('starting_workers');
      this.steps.startWorkers();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const step = this.phase === 'migrating' ? 'applying the migrations' : 'creating the topics';
      this.problem = `Start failed while ${step}: ${error.message}`;
      this.log.warn({ step: this.phase }, `${this.problem} (retrying)`);
      this.setPhase('connecting');
      return { ready: false, error };
    }
    this.problem = null;
    this.setPhase('ready');
    this.log.info('the stack answers: migrations applied, topics ready, workers started');
    this.resolveReady();
    return { ready: true };
  }

  private record(p: ServiceProbe, checkedAt: string): void {
    const before = this.services.get(p.name);
    const state = p.reached ? 'up' : 'down';
    if (before?.state !== state) {
      if (p.reached)
        this.log.info(
          { service: p.name, address: p.address, version: p.version },
          `${SERVICE_LABELS[p.name]} answers`,
        );
      else if (REQUIRED.has(p.name))
        this.log.warn(
          { service: p.name },
          `${p.error} Waiting for it; the console shows the connection screen.`,
        );
      else this.log.warn({ service: p.name }, `${p.error} The console works without it (no live updates).`);
    }
    this.services.set(p.name, { ...p, state, required: REQUIRED.has(p.name), checkedAt });
  }

  private setPhase(phase: StartupPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.since = new Date();
  }
}

/** A failed probe as the error a caller that cannot wait throws (its message is the probe's). */
function probeError(p: ServiceProbe): ServiceUnavailableError {
  const err = new ServiceUnavailableError(p.name, p.address, 'not reachable');
  err.message = p.error ?? err.message;
  return err;
}
