// Worker-thread entry: runs captures (DNS, connect, dialogue, TLS) off the main thread, where the
// scheduler, the CRL cache, the checks and the metrics stay. Messages are plain data both ways.
import { parentPort } from 'node:worker_threads';
import { captureProbe, emptyResult } from '../probe/capture-probe.js';
import { ProbeError } from '../probe/reasons.js';
import type { ProbeTarget } from '../probe/target.js';

export interface ProbeRequest {
  id: number;
  target: ProbeTarget;
}

parentPort?.on('message', (req: ProbeRequest) => {
  // captureProbe never throws: every failure is a result with a reason. The chain goes back as DER:
  // this thread loads no certificate parser, and the main thread parses each certificate once.
  // A bug that escapes it anyway fails this probe only, not the worker and every probe on it.
  void captureProbe(req.target)
    .catch((err: unknown) => emptyResult(req.target, new ProbeError('internal_error', `probe failed: ${(err as Error)?.message ?? String(err)}`)))
    .then((result) => parentPort!.postMessage({ id: req.id, result }));
});
