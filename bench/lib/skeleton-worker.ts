// Capture thread of the skeleton (section 4): the bare client's captures with tlsprobe's dialogue,
// each answered with a chain-sized message, as the agent's capture workers answer the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { bareContext, bareOp, SAME_DIALOGUE } from './bare-client.js';
import type { Kind } from './targets.js';

export interface SkeletonWorkerData {
  rootPem: string;
  httpsPort: number;
  smtpPort: number;
  servername: string;
}

export interface SkeletonReply {
  i: number;
  ok: boolean;
  /** Stands in for the presented chain in DER (an RSA-2048 leaf and intermediate: ~3 kB). */
  chain: Uint8Array | null;
}

const data = workerData as SkeletonWorkerData;
const port = parentPort!;
const ctx = bareContext(data.rootPem);
const ops: Record<Kind, () => Promise<boolean>> = {
  https: bareOp({ kind: 'https', port: data.httpsPort, servername: data.servername }, ctx),
  smtp: bareOp({ kind: 'smtp', port: data.smtpPort, servername: data.servername }, ctx, SAME_DIALOGUE),
};
port.on('message', (m: { i: number; kind: Kind }) => {
  ops[m.kind]().then(
    (ok) => port.postMessage({ i: m.i, ok, chain: new Uint8Array(3000).fill(m.i & 0xff) } satisfies SkeletonReply),
    () => port.postMessage({ i: m.i, ok: false, chain: null } satisfies SkeletonReply),
  );
});
