// The bench's /proc readers (bench/lib/cpu.ts): the per-thread split and machine load its section 4 reports.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { machineBusy, machineTicks, splitThreads, threadCpuMs } from '../bench/lib/cpu.js';

describe('bench CPU accounting', () => {
  it('splits CPU into the main thread, threads that existed before, and threads born since', () => {
    const before = new Map([[process.pid, 100], [7, 50]]);
    const after = new Map([[process.pid, 160], [7, 80], [9, 40]]);
    expect(splitThreads(before, after)).toEqual({ mainMs: 60, runtimeMs: 30, workersMs: 40 });
    expect(splitThreads(new Map(), after)).toBeNull();
  });

  it('counts a worker thread that burns CPU as born since the first snapshot', async () => {
    const before = threadCpuMs();
    expect(before.has(process.pid)).toBe(true);
    const w = new Worker('const end = Date.now() + 300; while (Date.now() < end); require("node:worker_threads").parentPort.postMessage(1);', { eval: true });
    await new Promise((resolve) => w.once('message', resolve));
    const split = splitThreads(before, threadCpuMs());
    await w.terminate();
    // 300 ms of spinning, counted in 10 ms ticks; generous for a loaded CI machine.
    expect(split!.workersMs).toBeGreaterThanOrEqual(150);
  });

  it('reports the busy share between two snapshots of /proc/stat', () => {
    expect(machineBusy({ busyMs: 1000, totalMs: 4000 }, { busyMs: 1600, totalMs: 5000 })).toEqual({ busyShare: 0.6, busyCoreMs: 600 });
    expect(machineBusy(null, { busyMs: 1, totalMs: 2 })).toBeNull();
    const now = machineTicks();
    expect(now!.totalMs).toBeGreaterThanOrEqual(now!.busyMs);
  });
});
