// Bench settings from argv and env: --quick (BENCH_QUICK=1), --only=a,b, --duration, --rounds, --targets, --out.
import { availableParallelism } from 'node:os';

export const SECTIONS = ['limit', 'blackbox', 'tlsprobe', 'daemon', 'crl', 'coldwarm', 'certs'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Concurrency levels of sections 1-3. */
  levels: number[];
  /** The level the targets are judged at (16; quick: the highest level). */
  judgeLevel: number;
  warmupMs: number;
  /** One round of one contender; sections 1-3 run `rounds` interleaved rounds and report the median. */
  durationMs: number;
  rounds: number;
  /** Hard cap on operations per measurement, whatever the duration. */
  maxOps: number;
  daemonTargets: number;
  /** Cycles of section 4 after the start-up cycle, in the same process; the last one is judged. */
  steadyCycles: number;
  crlSizes: number[];
  /** Entries in the issuing CA's CRL that every probe checks against. */
  issuingCrlEntries: number;
  /** Targets in one cold/warm cycle (section 6). */
  cycleTargets: number;
  /** Distinct leaf certificates of section 7 (within the agent's certificate cache). */
  distinctCerts: number;
  cores: number;
  sections: Set<Section>;
  /** Where the JSON results go. */
  out: string;
  /** Print the table of an earlier run's JSON instead of measuring. */
  reportFile: string | undefined;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flag = (name: string): string | undefined => {
    const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    return hit === undefined ? undefined : (hit.split('=')[1] ?? '');
  };
  for (const a of argv) {
    if (!/^--(quick|only|duration|rounds|targets|out|report)(=|$)/.test(a)) {
      throw new Error(`unknown argument ${a} (use --quick, --only=${SECTIONS.join(',')}, --duration=SECONDS, --rounds=N, --targets=N, --out=FILE, --report=FILE)`);
    }
  }
  const quick = flag('quick') !== undefined || env.BENCH_QUICK === '1';
  const only = flag('only');
  const sections = new Set<Section>(only ? (only.split(',') as Section[]) : SECTIONS);
  for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s} (one of ${SECTIONS.join(', ')})`);
  const dur = flag('duration');
  const durationMs = dur ? Math.round(Number(dur) * 1000) : quick ? 400 : 1500;
  if (!(durationMs > 0 && durationMs <= 60_000)) throw new Error(`--duration must be in (0, 60] seconds`);
  const rounds = Number(flag('rounds') ?? (quick ? 2 : 5));
  if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 50)) throw new Error('--rounds must be 1..50');
  const levels = quick ? [1, 4] : [1, 16, 64];
  const targets = flag('targets');
  const daemonTargets = targets ? Number(targets) : quick ? 100 : 10_000;
  if (!(Number.isInteger(daemonTargets) && daemonTargets >= 2 && daemonTargets <= 100_000)) throw new Error('--targets must be 2..100000');
  return {
    quick,
    levels,
    judgeLevel: quick ? 4 : 16,
    warmupMs: quick ? 200 : 1000,
    durationMs,
    rounds,
    maxOps: quick ? 2_000 : 200_000,
    daemonTargets,
    steadyCycles: quick ? 1 : 2,
    crlSizes: quick ? [10_000] : [10_000, 100_000, 1_000_000],
    issuingCrlEntries: quick ? 1_000 : 100_000,
    cycleTargets: quick ? 20 : 1_000,
    distinctCerts: quick ? 20 : 1_000,
    cores: Math.max(1, availableParallelism()),
    sections,
    reportFile: flag('report') || undefined,
    out: flag('out') || (quick ? 'bench/results/quick.json' : 'bench/results/latest.json'),
  };
}
