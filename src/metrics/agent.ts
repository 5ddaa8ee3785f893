// The agent's own metrics: what it did (probes, skips, lag, reloads), plus Node's process metrics.
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import type { ProbeResult } from '../probe/result.js';
import type { CrlCacheStats } from '../revocation/cache.js';

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class AgentMetrics {
  private readonly probes: Counter<'result' | 'reason'>;
  private readonly probeDuration: Histogram;
  private readonly skipped: Counter<'reason'>;
  private readonly lag: Histogram;
  private readonly reloads: Counter<'result'>;
  private readonly lastReload: Gauge;
  private readonly targets: Gauge;

  constructor(registry: Registry, crlStats?: () => CrlCacheStats) {
    const registers = [registry];
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges *_total, which promtool (rightly) flags as non-counters;
    // handle counts are not worth a lint failure for everyone who checks our /metrics.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
    this.probes = new Counter({ name: 'tlsprobe_probes_total', help: 'Probes run, by result and failure reason.', labelNames: ['result', 'reason'], registers });
    this.probeDuration = new Histogram({
      name: 'tlsprobe_probe_run_duration_seconds',
      help: 'Wall time of each probe, in seconds.',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.skipped = new Counter({ name: 'tlsprobe_scheduled_runs_skipped_total', help: 'Scheduled runs skipped because the previous run of the target was still going.', labelNames: ['reason'], registers });
    this.lag = new Histogram({
      name: 'tlsprobe_scheduler_lag_seconds',
      help: 'Delay between a run being due (after its jitter) and starting, waiting for the concurrency limit.',
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    });
    this.reloads = new Counter({ name: 'tlsprobe_config_reloads_total', help: 'Configuration reloads, by result.', labelNames: ['result'], registers });
    this.lastReload = new Gauge({ name: 'tlsprobe_config_last_reload_success_timestamp_seconds', help: 'When the configuration was last loaded successfully.', registers });
    this.targets = new Gauge({ name: 'tlsprobe_targets', help: 'Targets this agent probes (after sharding).', registers });
    if (crlStats) registerCrlCacheMetrics(registry, crlStats);
    this.probes.inc({ result: 'success', reason: '' }, 0);
    this.skipped.inc({ reason: 'overlap' }, 0);
    this.reloads.inc({ result: 'success' }, 0);
    this.reloads.inc({ result: 'failure' }, 0);
  }

  probeDone(r: ProbeResult): void {
    const failedCheck = r.checks.find((c) => c.status === 'fail');
    this.probes.inc({ result: r.ok ? 'success' : 'failure', reason: r.error?.reason ?? (failedCheck ? `check_${failedCheck.id}` : '') });
    this.probeDuration.observe((r.timings.total ?? 0) / 1000);
  }

  runSkipped(): void {
    this.skipped.inc({ reason: 'overlap' });
  }

  schedulerLag(seconds: number): void {
    this.lag.observe(seconds);
  }

  configLoaded(ok: boolean, targets?: number): void {
    this.reloads.inc({ result: ok ? 'success' : 'failure' });
    if (ok) {
      this.lastReload.setToCurrentTime();
      if (targets !== undefined) this.targets.set(targets);
    }
  }
}

/** The shared CRL cache, read at scrape time: counters mirror the cache's own running totals. */
function registerCrlCacheMetrics(registry: Registry, stats: () => CrlCacheStats): void {
  const registers = [registry];
  new Gauge({ name: 'tlsprobe_crl_cache_entries', help: 'CRLs held in the cache.', registers, collect() { this.set(stats().size); } });
  new Gauge({ name: 'tlsprobe_crl_cache_retained_bytes', help: 'Memory held by cached CRL indexes.', registers, collect() { this.set(stats().retainedBytes); } });
  const counters: Array<[string, string, keyof CrlCacheStats]> = [
    ['tlsprobe_crl_cache_hits_total', 'CRL lookups served from the cache.', 'hits'],
    ['tlsprobe_crl_cache_misses_total', 'CRL lookups that needed a download.', 'misses'],
    ['tlsprobe_crl_downloads_total', 'CRL downloads started.', 'downloads'],
    ['tlsprobe_crl_download_failures_total', 'CRL downloads that failed (each failure remembered for a minute, then tried again).', 'failures'],
  ];
  for (const [name, help, key] of counters) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(stats()[key]);
      },
    });
  }
}
