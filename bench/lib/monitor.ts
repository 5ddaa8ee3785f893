// Process gauges while something runs: event-loop delay (histogram and longest gap), peak RSS (sampled and VmHWM).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Monitored {
  /** Event-loop delay percentiles in ms (perf_hooks.monitorEventLoopDelay). */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Longest gap between two ticks of a 5 ms interval, minus the interval: the worst stall. */
  stallMaxMs: number;
  /** Highest RSS seen by 50 ms sampling, bytes. */
  rssPeakSampled: number;
}

export function startMonitor(resolutionMs = 10): { stop(): Monitored } {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  let rssPeak = process.memoryUsage.rss();
  let last = performance.now();
  let stall = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 5);
    last = now;
  }, 5);
  const rss = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 50);
  return {
    stop(): Monitored {
      clearInterval(tick);
      clearInterval(rss);
      h.disable();
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      return { loopP99Ms: h.percentile(99) / 1e6, loopMaxMs: h.max / 1e6, stallMaxMs: Math.max(0, stall), rssPeakSampled: rssPeak };
    },
  };
}

/** The kernel's peak resident set size of this process (VmHWM), bytes; null where /proc is missing. */
export function vmHwm(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run node with --expose-gc (npm run bench does)');
  g();
  g();
}
