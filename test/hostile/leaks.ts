// Leak guard for hostile-server tests: no socket, listener or timer may outlive a probe.
import { createHook } from 'node:async_hooks';

export type Counts = Map<string, number>;

/** Active libuv resources by type (TCPSocketWrap, TCPServerWrap, Timeout, ...). */
export function activeResources(): Counts {
  const counts: Counts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Types whose count grew since `before`. Timers are left to the tracker below: the test runner's own
 * timers come and go, so their count can hide a leaked one or invent one.
 */
export function grown(before: Counts, now: Counts = activeResources()): string[] {
  const out: string[] = [];
  for (const [type, n] of now) {
    if (type === 'Timeout' || type === 'Immediate') continue;
    const was = before.get(type) ?? 0;
    if (n > was) out.push(`${type}: ${was} → ${n}`);
  }
  return out;
}

const TRACKED = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'PROCESSWRAP']);

interface Tracked {
  type: string;
  site: string;
  resource: { hasRef?: () => boolean; _destroyed?: boolean };
}

/** The first stack frame outside Node and this file: where the resource was created. */
function callSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1).map((l) => l.trim());
  return frames.find((f) => !f.includes('node:') && !f.includes('(<anonymous>)') && !f.includes('leaks.ts')) ?? '(unknown)';
}

/** Resources created while armed and not yet destroyed; the runner's own (node_modules) are ignored. */
class Tracker {
  private readonly live = new Map<number, Tracked>();
  private readonly hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (!TRACKED.has(type)) return;
      const site = callSite();
      if (site.includes('/node_modules/')) return;
      this.live.set(id, { type, site, resource: resource as Tracked['resource'] });
    },
    destroy: (id) => void this.live.delete(id),
  });

  start(): void {
    this.hook.enable();
  }

  stop(): void {
    this.hook.disable();
  }

  /**
   * Still-open resources that keep the loop alive (an unref'd timer does not). Destroy hooks arrive
   * a turn late, so a timer that fired or was cleared is told apart by its own flag.
   */
  open(): string[] {
    return [...this.live.values()]
      .filter((t) => t.resource._destroyed !== true && (t.resource.hasRef?.() ?? true))
      .map((t) => `${t.type} from ${t.site}`);
  }
}

/** Waits (bounded) until nothing is left over; closing sockets and killing children completes on later loop turns. */
async function settle(check: () => string[], settleMs: number): Promise<string[]> {
  const end = Date.now() + settleMs;
  for (;;) {
    const extra = check();
    if (extra.length === 0 || Date.now() >= end) return extra;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A guard to arm before a test starts its servers and check after it has closed them. */
export interface LeakGuard {
  check(): Promise<void>;
}

export function leakGuard(settleMs = 1500): LeakGuard {
  const before = activeResources();
  const tracker = new Tracker();
  tracker.start();
  return {
    async check() {
      try {
        const extra = await settle(() => [...grown(before), ...tracker.open()], settleMs);
        if (extra.length > 0) throw new Error(`resources left behind: ${extra.join('; ')}`);
      } finally {
        tracker.stop();
      }
    },
  };
}
