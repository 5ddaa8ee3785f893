// Worker thread for the all-cores limit: runs its share of the load each time the main thread asks, posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import { bareContext, bareOp, type BareMode, type BareTarget } from './bare-client.js';
import { closedLoop } from './load.js';

export interface BareWorkerData {
  target: BareTarget;
  rootPem: string;
  concurrency: number;
  maxOps: number;
  mode: BareMode;
}

export interface BareWorkerRun {
  ms: number;
}

const data = workerData as BareWorkerData;
const port = parentPort!;
const op = bareOp(data.target, bareContext(data.rootPem), data.mode);
port.on('message', (m: BareWorkerRun) => {
  void closedLoop(op, data.concurrency, m.ms, data.maxOps).then((result) => port.postMessage(result));
});
port.postMessage('ready');
