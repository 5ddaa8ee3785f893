// The long-running agent: loads the config, schedules probes, keeps the latest results, serves metrics,
// reloads on SIGHUP (keeping the old config when the new one is invalid) and stops gracefully.
import { Registry } from 'prom-client';
import { resolveTargets, type ResolvedTarget } from '../config/resolve.js';
import { ConfigError } from '../config/error.js';
import type { Config } from '../config/schema.js';
import { loadConfigOffThread } from '../config/load-off-thread.js';
import { runTargetAddresses } from '../run/execute.js';
import { resultExposition } from '../metrics/results.js';
import type { ProbeResult } from '../probe/result.js';
import { AgentMetrics } from '../metrics/agent.js';
import { ResultStore, storedTarget } from './store.js';
import { Scheduler } from './scheduler.js';
import { startHttp, type Body, type HttpServer, type Listen } from './http.js';
import { inShard, type Shard } from './hash.js';
import type { Logger } from './log.js';
import type { Resolver } from '../probe/connect.js';
import { defaultCrlCache } from '../revocation/index.js';
import { ProbePool } from '../run/worker-pool.js';
import { describeWebConfig, type WebConfig } from './web-settings.js';

export interface DaemonOptions {
  configPath: string;
  listen: Listen;
  shard: Shard | null;
  log: Logger;
  /** Injected in tests; the system resolver otherwise. */
  resolver?: Resolver;
  /** How long a stop waits for probes in flight (each is bounded by its own deadline anyway). */
  stopGraceMs?: number;
  /** Capture worker threads (default: one per core when built; 0: all on the main thread). */
  workers?: number;
  /** TLS and basic auth for the agent's own endpoints (--web.config.file); null: plain HTTP, open. */
  web?: WebConfig | null;
}

export class Daemon {
  readonly store = new ResultStore();
  private readonly registry = new Registry();
  private readonly agent = new AgentMetrics(this.registry, () => defaultCrlCache.stats());
  private readonly scheduler: Scheduler;
  /** Captures run on worker threads, one per core; everything else stays on this thread. */
  private pool: ProbePool | null = null;
  private targets = new Map<string, ResolvedTarget>();
  private http: HttpServer | null = null;
  private loaded = false;
  private lastCycleAt: string | null = null;
  /** Collects the start-up cycle's results for `start()` to return. */
  private firstCycle: ProbeResult[] | null = null;

  constructor(private readonly opts: DaemonOptions) {
    this.scheduler = new Scheduler(16, {
      run: (t) => this.probeAndStore(t),
      skipped: (t) => {
        this.agent.runSkipped();
        opts.log.warn('run skipped: previous run still going', { target: t.name });
      },
      lag: (s) => this.agent.schedulerLag(s),
    });
  }

  get address(): Listen | null {
    return this.http?.address ?? null;
  }

  /** Probes running now (the soak run and the index page report it). */
  get inFlight(): number {
    return this.scheduler.inFlight;
  }

  /** The agent's base URL once listening, e.g. https://127.0.0.1:9947. */
  get url(): string | null {
    if (!this.http) return null;
    const { host, port } = this.http.address;
    return `${this.http.scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /**
   * Loads the config (ConfigError propagates: exit 2), starts listening, runs every target once.
   * With `keepResults`, returns that first cycle's results (the store keeps only what metrics need,
   * so holding them is the caller's choice: the demo prints them, the agent does not).
   */
  async start(opts: { keepResults?: boolean } = {}): Promise<ProbeResult[]> {
    const config = await loadConfigOffThread(this.opts.configPath);
    this.http = await startHttp(this.opts.listen, {
      // The agent's own metrics from prom-client, then the per-target families, as chunks.
      metrics: async () => ({ contentType: this.registry.contentType, body: resultExposition(await this.registry.metrics(), this.store.all()) }),
      probe: (name) => this.probeNow(name),
      ready: () => this.loaded,
      status: () => this.status(),
    }, this.opts.web ?? null);
    const targets = this.apply(config);
    // Only now: workers keep the process alive, and a start that failed above must let it exit.
    this.pool = new ProbePool(this.opts.workers, { onBroken: (why) => this.opts.log.error('capture workers disabled', { reason: why }) });
    this.opts.log.info('tlsprobe agent started', {
      listen: `${this.http.address.host}:${this.http.address.port}`,
      scheme: this.http.scheme,
      targets: targets.length,
      workers: this.pool.size,
      shard: this.opts.shard ? `${this.opts.shard.index}/${this.opts.shard.count}` : null,
      ...(this.opts.web ? { web: describeWebConfig(this.opts.web) } : {}),
    });
    const first: ProbeResult[] = [];
    this.firstCycle = opts.keepResults ? first : null;
    await this.probeAll();
    this.firstCycle = null;
    return first;
  }

  /**
   * Probes every configured target now, as start() does: at the configured concurrency, without
   * jitter, skipping targets whose previous run is still going. Resolves when all have finished.
   * (The bench times the agent's steady cycles with it: the first one also loads the config and
   * warms V8 up.)
   */
  async probeAll(): Promise<void> {
    await this.scheduler.runAll([...this.targets.values()]);
    this.lastCycleAt = new Date().toISOString();
  }

  /** SIGHUP: a valid config replaces targets and schedules; an invalid one is refused and the old one keeps running. */
  async reload(): Promise<boolean> {
    let config: Config;
    try {
      config = await loadConfigOffThread(this.opts.configPath);
    } catch (err) {
      this.agent.configLoaded(false);
      const issues = err instanceof ConfigError ? err.issues : [{ message: (err as Error).message }];
      this.opts.log.error('config reload refused; keeping the previous configuration', { file: this.opts.configPath, issues });
      return false;
    }
    // stop() came while the file was loading: the reload changes nothing.
    if (this.scheduler.stopped) {
      this.opts.log.info('config reload abandoned: the agent is stopping', { file: this.opts.configPath });
      return false;
    }
    const before = new Set(this.targets.keys());
    const targets = this.apply(config);
    const added = targets.filter((t) => !before.has(t.name));
    this.opts.log.info('config reloaded', { targets: targets.length, added: added.length, removed: [...before].filter((n) => !this.targets.has(n)).length });
    await this.scheduler.runAll(added);
    return true;
  }

  async stop(): Promise<void> {
    const left = await this.scheduler.stop(this.opts.stopGraceMs ?? 15_000);
    if (left > 0) this.opts.log.warn('stopping with probes still in flight', { inFlight: left });
    await this.http?.close();
    await this.pool?.close();
    // prom-client's default metrics keep a GC PerformanceObserver for the life of the process, and
    // through it this registry; emptied, it no longer holds the store and every result (a stopped
    // agent in a longer-lived process, e.g. the demo or tests, can then be collected).
    this.registry.clear();
    this.opts.log.info('tlsprobe agent stopped');
  }

  private apply(config: Config): ResolvedTarget[] {
    const targets = resolveTargets(config).filter((t) => inShard(t.name, this.opts.shard));
    this.targets = new Map(targets.map((t) => [t.name, t]));
    this.store.retain(new Set(this.targets.keys()));
    this.scheduler.setTargets(targets, config.concurrency);
    this.agent.configLoaded(true, targets.length);
    this.loaded = true;
    return targets;
  }

  private async probeAndStore(t: ResolvedTarget): Promise<void> {
    try {
      const results = await runTargetAddresses(t, this.runOptions());
      // A reload may have removed the target while it ran.
      if (!this.targets.has(t.name)) return;
      this.store.set(storedTarget(t.name, t.addresses === 'all', results));
      this.firstCycle?.push(...results);
      for (const r of results) {
        this.agent.probeDone(r);
        if (!r.ok) {
          const failed = r.checks.find((c) => c.status === 'fail');
          this.opts.log.warn('probe failed', { target: t.name, address: r.address, reason: r.error?.reason ?? `check_${failed?.id}`, message: r.error?.message ?? failed?.message });
        }
      }
    } catch (err) {
      this.opts.log.error('internal error while probing', { target: t.name, error: (err as Error).stack ?? String(err) });
    }
  }

  private async probeNow(name: string): Promise<{ contentType: string; body: Body } | null> {
    const t = this.targets.get(name);
    if (!t) return null;
    const results = await runTargetAddresses(t, this.runOptions());
    return { contentType: this.registry.contentType, body: resultExposition('', [storedTarget(t.name, t.addresses === 'all', results)]) };
  }

  private runOptions(): { resolver?: Resolver; pool?: ProbePool } {
    return { ...(this.pool ? { pool: this.pool } : {}), ...(this.opts.resolver ? { resolver: this.opts.resolver } : {}) };
  }

  private status(): Record<string, string | number> {
    const all = this.store.all().flatMap((t) => t.ok);
    return {
      config: this.opts.configPath,
      targets: this.targets.size,
      'results OK': all.filter((ok) => ok).length,
      'results failing': all.filter((ok) => !ok).length,
      'probes in flight': this.scheduler.inFlight,
      'first cycle finished': this.lastCycleAt ?? 'not yet',
    };
  }
}
