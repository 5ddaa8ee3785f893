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
    // Spin until the thread itself has used 200 ms of CPU by its own /proc reading, not for a
    // wall-clock time: on a loaded 2-core CI machine a wall-clock spin can be descheduled throughout.
    // It stays alive until the second snapshot: an ended thread leaves /proc/self/task.
    const src = `
      const { readFileSync } = require('node:fs');
      const own = () => { const f = readFileSync('/proc/thread-self/stat', 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); return (Number(x[11]) + Number(x[12])) * 10; };
      const deadline = Date.now() + 20000;
      let used = own();
      while (used < 200 && Date.now() < deadline) { for (let i = 0; i < 1e6; i++); used = own(); }
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage(used);
      parentPort.once('message', () => parentPort.close()); // stay alive (and listed in /proc) until read`;
    const w = new Worker(src, { eval: true });
    const used = await new Promise<number>((resolve) => w.once('message', resolve));
    const split = splitThreads(before, threadCpuMs());
    w.postMessage('done');
    await w.terminate();
    expect(used).toBeGreaterThanOrEqual(200);
    expect(split!.workersMs).toBeGreaterThanOrEqual(used);
  }, 30_000);

  it('reports the busy share between two snapshots of /proc/stat', () => {
    expect(machineBusy({ busyMs: 1000, totalMs: 4000 }, { busyMs: 1600, totalMs: 5000 })).toEqual({ busyShare: 0.6, busyCoreMs: 600 });
    expect(machineBusy(null, { busyMs: 1, totalMs: 2 })).toBeNull();
    const now = machineTicks();
    expect(now!.totalMs).toBeGreaterThanOrEqual(now!.busyMs);
  });
});
