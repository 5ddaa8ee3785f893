// Section 1, the machine's limit: bare Node.js handshakes per second, in one process and spread over every core.
import { Worker } from 'node:worker_threads';
import { bareContext, bareOp, LIMIT_MODE, SAME_DIALOGUE, type BareMode, type BareTarget } from '../lib/bare-client.js';
import { combine, opContender, type Contender, type LoadResult } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { BareWorkerData, BareWorkerRun } from '../lib/bare-worker.js';

export interface LimitResult {
  /** One process, one event loop. */
  single: LoadResult[];
  /** min(cores, concurrency) worker threads sharing the concurrency: the machine's limit. */
  allCores: LoadResult[];
  /** SMTP at the judged level: all cores, with tlsprobe's dialogue (EHLO inside TLS, QUIT answered by 221). */
  allCoresSameDialogue?: LoadResult[];
  /**
   * At the judged level: all cores, doing what the brief and the issue ask of tlsprobe's capture:
   * its dialogue (SMTP) and the exact presented chain read off the handshake. The least such a tool
   * can cost in Node.js; not a verdict, the yardstick for what tlsprobe adds.
   */
  allCoresFloor?: LoadResult[];
}

const floorMode = (kind: BareTarget['kind']): BareMode => ({ sameDialogue: kind === 'smtp', readChain: true });

/**
 * The two baselines at one level: keys `limit1` (this thread) and `limitAll` (worker threads); at the
 * judged level also `limitAllSameDialogue` (SMTP) and `limitAllFloor`.
 */
export async function limitContenders(target: BareTarget, rootPem: string, o: BenchOptions, concurrency: number): Promise<Contender[]> {
  const single = opContender('limit1', bareOp(target, bareContext(rootPem)), concurrency, o.maxOps);
  const contenders = [single, await workerContender(target, rootPem, o, concurrency, 'limitAll', LIMIT_MODE)];
  // Not the limit (its verdicts use limitAll): the same bare client given the dialogue tlsprobe
  // must do, and also reading the chain as tlsprobe must.
  if (concurrency === o.judgeLevel) {
    if (target.kind === 'smtp') contenders.push(await workerContender(target, rootPem, o, concurrency, 'limitAllSameDialogue', SAME_DIALOGUE));
    contenders.push(await workerContender(target, rootPem, o, concurrency, 'limitAllFloor', floorMode(target.kind)));
  }
  return contenders;
}

/** The all-cores limit alone, for another section to measure next to its own work (section 4). */
export function allCoresContender(target: BareTarget, rootPem: string, o: BenchOptions, concurrency: number): Promise<Contender> {
  return workerContender(target, rootPem, o, concurrency, 'limitAll', LIMIT_MODE);
}

async function workerContender(target: BareTarget, rootPem: string, o: BenchOptions, concurrency: number, key: string, mode: BareMode): Promise<Contender> {
  const n = Math.min(o.cores, concurrency);
  const shares = Array.from({ length: n }, (_, i) => Math.floor(concurrency / n) + (i < concurrency % n ? 1 : 0));
  const workers = shares.map((share) => {
    const data: BareWorkerData = { target, rootPem, concurrency: share, maxOps: Math.ceil(o.maxOps / n), mode };
    return new Worker(new URL('../lib/bare-worker.js', import.meta.url), { workerData: data });
  });
  const close = async (): Promise<void> => void (await Promise.all(workers.map((w) => w.terminate())));
  try {
    await Promise.all(workers.map((w) => nextMessage(w, 30_000)));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    key,
    concurrency,
    async run(ms) {
      // The workers are threads of this process: its CPU time is theirs (the idle main thread adds little).
      const cpu0 = process.cpuUsage();
      const replies = workers.map((w) => nextMessage(w, ms + 30_000));
      for (const w of workers) w.postMessage({ ms } satisfies BareWorkerRun);
      const r = combine((await Promise.all(replies)) as LoadResult[], concurrency);
      const cpu = process.cpuUsage(cpu0);
      return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 };
    },
    close,
  };
}

/** The worker's next message; rejects when it fails, exits or stays silent for `timeoutMs`. */
function nextMessage(w: Worker, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      w.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    const onMessage = (m: unknown): void => (done(), resolve(m));
    const onError = (e: Error): void => (done(), reject(e));
    const onExit = (code: number): void => (done(), reject(new Error(`limit worker exited with code ${code}`)));
    const timer = setTimeout(() => (done(), reject(new Error(`limit worker silent for ${timeoutMs} ms`))), timeoutMs);
    w.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
