// The bench measures what the agent runs: captures on the worker threads and targets.yaml loaded
// on its own thread. Without their compiled scripts both quietly fall back to the main thread, so
// the bench refuses to start.
import { ProbePool } from '../../src/run/worker-pool.js';
import { loaderThreadAvailable } from '../../src/config/load-off-thread.js';

export function requireAgentThreads(): void {
  if (!ProbePool.available()) throw new Error('bench: no capture workers (src/run/probe-worker.js missing from the bench build; see tsconfig.bench.json)');
  if (!loaderThreadAvailable()) throw new Error('bench: no config loader thread (src/config/load-worker.js missing from the bench build; see tsconfig.bench.json)');
}
