// Scheduling: overlap skips, the global limit, deterministic jitter, and sharding (also through the agent).
import { describe, it, expect } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Scheduler, jitterWindow } from '../src/daemon/scheduler.js';
import { inShard, jitterFraction, parseShard } from '../src/daemon/hash.js';
import { Daemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/daemon/log.js';
import type { ResolvedTarget } from '../src/config/index.js';
import { closedPort } from './helpers/scripted.js';
import { tempFiles } from './helpers/cli.js';
import { sample } from './helpers/agent.js';

const target = (name: string, schedule?: string): ResolvedTarget => ({ name, schedule }) as unknown as ResolvedTarget;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Scheduler', () => {
  it('schedules nothing once stopped: a reload that finishes after SIGTERM does not keep the agent alive', () => {
    // In a child process (the built dist/): with a cron task left behind, it would never exit.
    const script = `
      const { Scheduler } = await import(${JSON.stringify(new URL('../dist/daemon/scheduler.js', import.meta.url).href)});
      const s = new Scheduler(1, { run: async () => {}, skipped: () => {}, lag: () => {} });
      await s.stop(10);
      s.setTargets([{ name: 'late', schedule: '* * * * * *' }], 1);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull(); // not killed by the timeout
    expect(r.status).toBe(0);
  }, 15_000);

  it('never runs a target twice at once: a tick during a run is skipped and reported', async () => {
    let running = 0;
    let maxRunning = 0;
    const skipped: string[] = [];
    const s = new Scheduler(4, {
      run: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(2500);
        running--;
      },
      skipped: (t) => skipped.push(t.name),
      lag: () => {},
    });
    const slow = target('slow', '* * * * * *'); // every second, runs take 2.5 s
    s.setTargets([slow], 4);
    await sleep(3300);
    const left = await s.stop(5000);
    expect(left).toBe(0);
    expect(maxRunning).toBe(1);
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(new Set(skipped)).toEqual(new Set(['slow']));
  }, 15_000);

  it('runs every target of a schedule on its tick, and none of another schedule', async () => {
    const runs = new Map<string, number>();
    const s = new Scheduler(64, {
      run: async (t) => void runs.set(t.name, (runs.get(t.name) ?? 0) + 1),
      skipped: () => {},
      lag: () => {},
    });
    // Many targets share one schedule (grouped as one cron task; the grouping was once quadratic).
    const every = Array.from({ length: 2_000 }, (_, i) => target(`t${i}`, '* * * * * *'));
    s.setTargets([...every, target('yearly', '0 0 1 1 *')], 64);
    // A tick within 1 s, starts jittered over at most half the interval; bounded wait, not a fixed
    // sleep (stop() cancels starts still waiting out their jitter on a slow machine).
    for (const until = Date.now() + 8_000; runs.size < 2_000 && Date.now() < until; ) await sleep(50);
    await s.stop(2000);
    expect(runs.size).toBe(2_000);
    expect(runs.has('yearly')).toBe(false);
  }, 15_000);

  it('keeps probes in flight under the global limit, and measures the wait as lag', async () => {
    let inFlight = 0;
    let max = 0;
    const lags: number[] = [];
    const ran: string[] = [];
    const s = new Scheduler(2, {
      run: async (t) => {
        max = Math.max(max, ++inFlight);
        await sleep(100);
        inFlight--;
        ran.push(t.name);
      },
      skipped: () => {},
      lag: (sec) => lags.push(sec),
    });
    const targets = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => target(n, '0 0 1 1 *'));
    s.setTargets(targets, 2);
    await s.runAll(targets);
    await s.stop(1000);
    expect(ran.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(max).toBe(2);
    expect(Math.max(...lags)).toBeGreaterThanOrEqual(0.15); // the last two waited for two rounds
  });
});

describe('Scheduler.runAll', () => {
  const runner = (ms: number) => {
    const started: string[] = [];
    let inFlight = 0;
    let max = 0;
    const hooks = {
      run: async (t: ResolvedTarget) => {
        started.push(t.name);
        max = Math.max(max, ++inFlight);
        await sleep(ms);
        inFlight--;
      },
      skipped: (t: ResolvedTarget) => skipped.push(t.name),
      lag: () => {},
    };
    const skipped: string[] = [];
    return { hooks, started, skipped, max: () => max };
  };

  it('counts as in flight only the runs that hold a slot, and starts no queued target after stop()', async () => {
    const r = runner(50);
    const s = new Scheduler(2, r.hooks);
    const targets = Array.from({ length: 100 }, (_, i) => target(`t${i}`, '0 0 1 1 *'));
    const all = s.runAll(targets);
    await sleep(10);
    // The status page and stop() report this: 2 probes running, not 100 waiting.
    expect(s.inFlight).toBe(2);
    const left = await s.stop(5_000);
    await all;
    expect(left).toBe(0);
    // The two that were running finish; the 98 behind them never start (100 × 50 ms / 2 would fit in the grace).
    expect(r.started).toEqual(['t0', 't1']);
  });

  it('does not start a scheduled run that was still waiting for a slot when stop() came', async () => {
    const r = runner(1500);
    const s = new Scheduler(1, r.hooks);
    const every = [target('a', '* * * * * *'), target('b', '* * * * * *')];
    s.setTargets(every, 1);
    // The tick starts both (jittered over at most half a second); b waits behind a for the one slot.
    for (const until = Date.now() + 5_000; r.started.length < 1 && Date.now() < until; ) await sleep(10);
    await sleep(520); // both jitter timers have fired: the second run waits for the slot
    await s.stop(5_000);
    await sleep(100);
    expect(r.started.length).toBe(1);
  }, 10_000);

  it('skips a target whose previous run is still going without holding up the others, and waits for that run', async () => {
    const r = runner(30);
    let releaseSlow: () => void = () => {};
    const s = new Scheduler(2, { ...r.hooks, run: (t) => (t.name === 'slow' ? new Promise<void>((res) => (releaseSlow = res)) : r.hooks.run(t)) });
    const slow = target('slow', '0 0 1 1 *');
    const first = s.runAll([slow]);
    const others = Array.from({ length: 6 }, (_, i) => target(`t${i}`, '0 0 1 1 *'));
    let done = false;
    const second = s.runAll([slow, ...others]).then(() => (done = true));
    // One slot is held by the slow run; the other serves t0..t5 one after another.
    for (const until = Date.now() + 5_000; r.started.length < 6 && Date.now() < until; ) await sleep(10);
    expect(r.started).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(r.skipped).toEqual(['slow']);
    await sleep(20);
    expect(done).toBe(false); // the cycle is not over while the slow run goes on
    releaseSlow();
    await Promise.all([first, second]);
    expect(done).toBe(true);
    await s.stop(1000);
  });
});

describe('jitter', () => {
  it('spreads starts over at most half the interval and at most a minute, the same way every time', () => {
    const every = (ms: number) => ({ getNextRuns: () => [new Date(0), new Date(ms)] });
    expect(jitterWindow(every(300_000))).toBe(60_000);
    expect(jitterWindow(every(1000))).toBe(500);
    const names = Array.from({ length: 1000 }, (_, i) => `target-${i}`);
    const seconds = new Set(names.map((n) => Math.floor(jitterFraction(n) * 60)));
    expect(seconds.size).toBeGreaterThan(50); // 1,000 targets on */5 do not start in the same second
    expect(names.map(jitterFraction)).toEqual(names.map(jitterFraction));
    for (const n of names) {
      expect(jitterFraction(n)).toBeGreaterThanOrEqual(0);
      expect(jitterFraction(n)).toBeLessThan(1);
    }
  });
});

describe('sharding', () => {
  it('puts every target in exactly one of N shards, evenly', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3']) expect(parseShard(bad), bad).toBeNull();
    const names = Array.from({ length: 900 }, (_, i) => `mx${i}.example.com-smtp`);
    const shards = [1, 2, 3].map((index) => names.filter((n) => inShard(n, { index, count: 3 })));
    expect(shards.flat().sort()).toEqual([...names].sort());
    for (const s of shards) expect(s.length).toBeGreaterThan(200);
  });

  it('probeAll() probes every configured target once more, as the start-up cycle did', async () => {
    const port = await closedPort();
    const dir = tempFiles({});
    const cfg = join(dir, 'targets.yaml');
    // A schedule that never fires during the test: only start() and probeAll() probe.
    writeFileSync(cfg, ['defaults:', '  schedule: "0 0 1 1 *"', '  timeout: 2s', 'targets:', ...['a', 'b', 'c'].map((n) => `  - { name: ${n}, url: "smtp://127.0.0.1:${port}" }`)].join('\n'));
    const daemon = new Daemon({ configPath: cfg, listen: { host: '127.0.0.1', port: 0 }, shard: null, log: createLogger('error', () => {}), workers: 0 });
    const refused = async (): Promise<number | undefined> => {
      const body = await (await fetch(`${daemon.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      return sample(body, 'tlsprobe_probes_total', { result: 'failure', reason: 'connect_refused' });
    };
    try {
      await daemon.start();
      expect(await refused()).toBe(3);
      await daemon.probeAll();
      expect(await refused()).toBe(6);
      expect(daemon.inFlight).toBe(0);
    } finally {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a reload still loading its file when the agent stops changes nothing', async () => {
    const port = await closedPort();
    const dir = tempFiles({});
    const cfg = join(dir, 'targets.yaml');
    writeFileSync(cfg, ['defaults:', '  schedule: "0 0 1 1 *"', '  timeout: 2s', 'targets:', `  - { name: a, url: "smtp://127.0.0.1:${port}" }`].join('\n'));
    const lines: string[] = [];
    const daemon = new Daemon({ configPath: cfg, listen: { host: '127.0.0.1', port: 0 }, shard: null, log: createLogger('info', (l) => void lines.push(l)), workers: 0 });
    try {
      await daemon.start();
      writeFileSync(cfg, ['defaults:', '  schedule: "* * * * * *"', 'targets:', `  - { name: b, url: "smtp://127.0.0.1:${port}" }`].join('\n'));
      const reloading = daemon.reload(); // the file is read asynchronously: stop() comes first
      await daemon.stop();
      expect(await reloading).toBe(false);
      expect(lines.some((l) => JSON.parse(l).msg === 'config reload abandoned: the agent is stopping')).toBe(true);
      expect(lines.some((l) => JSON.parse(l).msg === 'config reloaded')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an agent started with --shard probes and exports only its share', async () => {
    const port = await closedPort();
    const names = ['smtp-a', 'smtp-b', 'smtp-c', 'smtp-d', 'smtp-e', 'smtp-f', 'smtp-g', 'smtp-h'];
    const dir = tempFiles({});
    const cfg = join(dir, 'targets.yaml');
    writeFileSync(cfg, ['defaults:', '  schedule: "0 0 1 1 *"', '  timeout: 2s', 'targets:', ...names.flatMap((n) => [`  - name: ${n}`, `    url: smtp://127.0.0.1:${port}`])].join('\n'));
    const shard = { index: 2, count: 3 };
    const mine = names.filter((n) => inShard(n, shard));
    const daemon = new Daemon({ configPath: cfg, listen: { host: '127.0.0.1', port: 0 }, shard, log: createLogger('error', () => {}), workers: 0 });
    try {
      await daemon.start();
      const res = await fetch(`${daemon.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      expect(sample(body, 'tlsprobe_targets')).toBe(mine.length);
      for (const n of names) expect(sample(body, 'tlsprobe_probe_success', { target: n }), n).toBe(mine.includes(n) ? 0 : undefined);
      expect((await fetch(`${daemon.url}/probe?target=${names.find((n) => !mine.includes(n))}`)).status).toBe(404);
    } finally {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
