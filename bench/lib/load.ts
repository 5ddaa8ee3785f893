// Closed-loop load, bounded in time and count, and interleaved rounds so that contenders share the machine's drift.

export interface LoadResult {
  concurrency: number;
  ok: number;
  failed: number;
  ms: number;
  /** Successful operations per second (with rounds: the median round). */
  rate: number;
  /** Up to 5 distinct failure messages with their counts. */
  errors: Record<string, number>;
  /** Rate of each round, in the order run. */
  rounds?: number[];
  /** CPU time (user + system) while it ran: this process for clients running here (worker threads included), the exporter's process for blackbox_exporter. */
  cpuMs?: number;
}

const MAX_ERRORS = 5;

/** Adds `n` occurrences of `msg` to `into`, keeping at most MAX_ERRORS distinct messages (later new ones are dropped). */
function noteError(into: Record<string, number>, msg: string, n = 1): void {
  if (msg in into || Object.keys(into).length < MAX_ERRORS) into[msg] = (into[msg] ?? 0) + n;
}

/** The error tallies of `parts` summed, within the same cap. */
function mergeErrors(parts: Array<{ errors: Record<string, number> }>): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errors)) noteError(errors, k, v);
  return errors;
}

/** An operation: true when it succeeded (a failure may also throw). */
export type Op = () => Promise<boolean>;

export async function closedLoop(op: Op, concurrency: number, durationMs: number, maxOps: number): Promise<LoadResult> {
  const started = performance.now();
  const end = started + durationMs;
  let launched = 0;
  let ok = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  const note = (msg: string): void => noteError(errors, msg.slice(0, 120));
  const loop = async (): Promise<void> => {
    while (performance.now() < end && launched < maxOps) {
      launched++;
      try {
        if (await op()) ok++;
        else (failed++, note('operation reported failure'));
      } catch (err) {
        failed++;
        note((err as Error).message ?? String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const ms = performance.now() - started;
  return { concurrency, ok, failed, ms, rate: (ok * 1000) / ms, errors };
}

/** Sums results measured side by side (worker threads): the rate is total successes over the longest run. */
export function combine(parts: LoadResult[], concurrency: number): LoadResult {
  const ms = Math.max(...parts.map((p) => p.ms));
  const ok = parts.reduce((n, p) => n + p.ok, 0);
  return { concurrency, ok, failed: parts.reduce((n, p) => n + p.failed, 0), ms, rate: (ok * 1000) / ms, errors: mergeErrors(parts) };
}

/** One client under test at one concurrency level. */
export interface Contender {
  key: string;
  concurrency: number;
  /** One closed-loop run of `ms` (also used, discarded, as warm-up). */
  run(ms: number): Promise<LoadResult>;
  close?(): Promise<void>;
}

export function opContender(key: string, op: Op, concurrency: number, maxOps: number): Contender {
  return {
    key,
    concurrency,
    async run(ms) {
      const cpu0 = process.cpuUsage();
      const r = await closedLoop(op, concurrency, ms, maxOps);
      const cpu = process.cpuUsage(cpu0);
      return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Warms every contender up, then runs `rounds` rounds, each contender once per round in an order
 * rotated every round; reports each contender's median round rate. Closes every contender.
 */
export async function interleave(contenders: Contender[], o: { warmupMs: number; durationMs: number; rounds: number }): Promise<Map<string, LoadResult>> {
  const all = new Map<string, LoadResult[]>();
  try {
    for (const c of contenders) await c.run(o.warmupMs);
    for (let r = 0; r < o.rounds; r++) {
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + r) % contenders.length]!;
        all.set(c.key, [...(all.get(c.key) ?? []), await c.run(o.durationMs)]);
      }
    }
  } finally {
    for (const c of contenders) await c.close?.().catch((e: Error) => console.error(`bench: closing ${c.key}: ${e.message}`));
  }
  const out = new Map<string, LoadResult>();
  for (const [key, parts] of all) {
    out.set(key, {
      concurrency: parts[0]!.concurrency,
      ok: parts.reduce((n, p) => n + p.ok, 0),
      failed: parts.reduce((n, p) => n + p.failed, 0),
      ms: parts.reduce((n, p) => n + p.ms, 0),
      rate: median(parts.map((p) => p.rate)),
      errors: mergeErrors(parts),
      rounds: parts.map((p) => Math.round(p.rate)),
      ...(parts.every((p) => p.cpuMs !== undefined) ? { cpuMs: parts.reduce((n, p) => n + p.cpuMs!, 0) } : {}),
    });
  }
  return out;
}
