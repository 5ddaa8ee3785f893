// Spreads captures over worker threads, one per core: a Node.js thread does TLS on one core only,
// and the handshake is most of a probe's cost. Falls back to the calling thread when no worker
// script exists (running from TypeScript sources under the test runner).
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { CapturedProbe, ProbeResult } from '../probe/result.js';
import type { ProbeTarget } from '../probe/target.js';
import { runProbe, withChain } from '../probe/runner.js';
import { ProbeError } from '../probe/reasons.js';
import { emptyResult } from '../probe/capture-probe.js';

interface Slot {
  worker: Worker;
  pending: Map<number, { target: ProbeTarget; resolve: (r: ProbeResult) => void }>;
  /** Whether this worker ever answered: one that dies before it does is not replaced forever. */
  answered: boolean;
}

/** Workers that die in a row before answering anything (a broken build, a bad import) end the pool. */
const MAX_EARLY_DEATHS = 3;

const SCRIPT = fileURLToPath(new URL('./probe-worker.js', import.meta.url));

/**
 * A capture makes only short-lived garbage (buffers, handshake objects): a small young generation
 * is collected often and cheaply. With V8's default (16 MiB semi-spaces) each worker grew by ~100 MB
 * of RSS at 10,000 targets; at 4 MiB the bench measured less memory and ~10% more probes per second
 * (fewer cache misses). The old generation cap is a guard, far above what a worker keeps (the
 * parsed-certificate cache and the modules).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };

export class ProbePool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private earlyDeaths = 0;
  /** Set when the workers kept dying at start: probes then run on the calling thread. */
  broken: string | null = null;

  /** `size` workers (default: one per core); 0 runs every probe on the calling thread. */
  constructor(
    readonly size = ProbePool.available() ? availableParallelism() : 0,
    private readonly opts: { onBroken?: (why: string) => void; script?: string } = {},
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  static available(): boolean {
    return existsSync(SCRIPT);
  }

  probe(target: ProbeTarget): Promise<ProbeResult> {
    if (this.slots.length === 0 || this.closed || this.broken) return runProbe(target);
    // The least busy worker: probes differ a lot in length (a tarpit vs a healthy server).
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { target, resolve });
      slot.worker.postMessage({ id, target });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.script ?? SCRIPT, { resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, pending: new Map(), answered: false };
    worker.on('message', (m: { id: number; result: CapturedProbe }) => {
      slot.answered = true;
      this.earlyDeaths = 0;
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      p?.resolve(withChain(m.result));
    });
    worker.on('error', (err) => this.lost(slot, err));
    worker.on('exit', (code) => this.lost(slot, new Error(`probe worker exited with code ${code}`)));
    return slot;
  }

  /**
   * A dead worker fails its probes with internal_error and is replaced, so the agent keeps probing;
   * workers that keep dying before answering are not (no respawn loop): later probes run here.
   */
  private lost(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return; // 'error' and then 'exit' for the same worker
    for (const { target, resolve } of slot.pending.values()) resolve(failed(target, err));
    slot.pending.clear();
    if (this.closed) return;
    if (!slot.answered && ++this.earlyDeaths >= MAX_EARLY_DEATHS) {
      this.broken = `probe workers died ${this.earlyDeaths} times in a row before answering (last: ${err.message}); probing on the main thread`;
      this.slots.splice(i, 1);
      for (const s of this.slots.splice(0)) {
        for (const { target, resolve } of s.pending.values()) resolve(failed(target, err));
        void s.worker.terminate();
      }
      this.opts.onBroken?.(this.broken);
      return;
    }
    this.slots[i] = this.spawn();
  }
}

function failed(t: ProbeTarget, err: Error): ProbeResult {
  return withChain(emptyResult(t, new ProbeError('internal_error', `probe worker failed: ${err.message}`)));
}
