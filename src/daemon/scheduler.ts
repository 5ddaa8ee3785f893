// Schedules every target with node-cron: one task per distinct schedule, a fixed per-target jitter,
// a global concurrency limit, and never two runs of one target at once.
import cron, { type ScheduledTask } from 'node-cron';
import type { ResolvedTarget } from '../config/index.js';
import { Semaphore } from '../run/semaphore.js';
import { jitterFraction } from './hash.js';

export const DEFAULT_SCHEDULE = '*/5 * * * *';
/** Jitter never spreads starts over more than this, nor over more than half the interval. */
const MAX_JITTER_MS = 60_000;

export interface SchedulerHooks {
  /** Probes one target and stores its results. Must not throw. */
  run(target: ResolvedTarget): Promise<void>;
  /** A tick found the target's previous run still going. */
  skipped(target: ResolvedTarget): void;
  /** Seconds between a run's planned start and its actual start (queueing behind the limit). */
  lag(seconds: number): void;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly slots: Semaphore;
  private isStopped = false;

  constructor(concurrency: number, private readonly hooks: SchedulerHooks) {
    this.slots = new Semaphore(concurrency);
  }

  /** Replaces the schedule: new tasks for the new targets; runs in flight finish. */
  setTargets(targets: ResolvedTarget[], concurrency: number): void {
    // A reload that finishes loading after stop() schedules nothing: its cron tasks would keep the
    // process alive after SIGTERM (the load runs on a thread and takes ~1 s at 10,000 targets).
    if (this.isStopped) return;
    this.clearSchedule();
    this.slots.setLimit(concurrency);
    const groups = new Map<string, ResolvedTarget[]>();
    for (const t of targets) {
      const expr = t.schedule ?? DEFAULT_SCHEDULE;
      const group = groups.get(expr);
      if (group) group.push(t);
      else groups.set(expr, [t]);
    }
    for (const [expr, group] of groups) {
      const task = cron.schedule(expr, () => this.tick(task, group), { name: `tlsprobe ${expr}` });
      this.tasks.push(task);
    }
  }

  /**
   * Runs every target now (start-up, reload, probeAll) and resolves when all have finished. Targets
   * are handed to the limit as slots free up, by as many lanes as the limit allows, not queued all
   * at once: 10,000 waiting runs made as many closures and promises that lived through the whole
   * cycle, were promoted to the old generation and then became its garbage. Lag still counts from
   * this call, when every target was due. A target whose previous run is still going is skipped and
   * reported by start(); its lane waits for that run, which holds (or waits for) a slot of its own.
   */
  async runAll(targets: readonly ResolvedTarget[]): Promise<void> {
    const due = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < targets.length && !this.isStopped) await this.start(targets[next++]!, 0, due);
    };
    await Promise.all(Array.from({ length: Math.min(this.slots.limit, targets.length) }, lane));
  }

  /** Set from the first moment of stop(): nothing is scheduled or started after it. */
  get stopped(): boolean {
    return this.isStopped;
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Stops scheduling and waits up to `graceMs` for runs in flight. Returns how many were still running. */
  async stop(graceMs: number): Promise<number> {
    this.isStopped = true;
    this.clearSchedule();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    return this.running.size;
  }

  private tick(task: ScheduledTask, group: ResolvedTarget[]): void {
    const window = jitterWindow(task);
    for (const t of group) void this.start(t, window * jitterFraction(t.name));
  }

  /** `due`: when the run was due (its tick plus jitter, or runAll's call), for the lag. */
  private start(t: ResolvedTarget, delayMs: number, due = performance.now()): Promise<void> {
    if (delayMs > 0) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.start(t, 0).then(resolve);
        }, delayMs);
        this.timers.add(timer);
      });
    }
    if (this.isStopped) return Promise.resolve();
    const previous = this.running.get(t.name);
    if (previous) {
      this.hooks.skipped(t);
      return previous;
    }
    const run = this.slots
      .run(async () => {
        // A run that waited for its slot past stop() does not start: stop waits for running probes only.
        if (this.isStopped) return;
        this.hooks.lag((performance.now() - due) / 1000);
        await this.hooks.run(t);
      })
      .finally(() => this.running.delete(t.name));
    this.running.set(t.name, run);
    return run;
  }

  private clearSchedule(): void {
    for (const task of this.tasks) void task.destroy();
    this.tasks = [];
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Half the schedule's interval, at most a minute: 1,000 targets on `*\/5 * * * *` spread over 60 s. */
export function jitterWindow(task: Pick<ScheduledTask, 'getNextRuns'>): number {
  const [a, b] = task.getNextRuns(2);
  if (!a || !b) return 0;
  return Math.min(MAX_JITTER_MS, (b.getTime() - a.getTime()) / 2);
}
