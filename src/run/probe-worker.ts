// Worker-thread entry: runs captures (DNS, connect, dialogue, TLS) off the main thread, where the
// scheduler, the CRL cache, the checks and the metrics stay. Messages are plain data both ways.
import { parentPort } from 'node:worker_threads';
import { runProbe } from '../probe/runner.js';
import type { ProbeTarget } from '../probe/target.js';

export interface ProbeRequest {
  id: number;
  target: ProbeTarget;
}

parentPort?.on('message', (req: ProbeRequest) => {
  // runProbe never throws: every failure is a result with a reason.
  void runProbe(req.target).then((result) => parentPort!.postMessage({ id: req.id, result }));
});
