// The bench measures what the agent runs: captures on the worker threads. Without the compiled
// worker script the pool would quietly probe on the main thread, so the bench refuses to start.
import { ProbePool } from '../../src/run/worker-pool.js';

export function requireCaptureWorkers(): void {
  if (!ProbePool.available()) throw new Error('bench: no capture workers (src/run/probe-worker.js missing from the bench build; see tsconfig.bench.json)');
}
