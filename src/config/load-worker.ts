// Worker-thread entry of loadConfigOffThread: reads, parses and validates targets.yaml here, so that
// the YAML parse (most of ~1 s for 10,000 targets) and its garbage stay off the agent's main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfigFile } from './load.js';
import { ConfigError } from './error.js';
import { packSecrets, type LoadReply } from './load-off-thread.js';

const { path } = workerData as { path: string };
loadConfigFile(path).then(
  (config) => packSecrets(config),
  (err: unknown): LoadReply => (err instanceof ConfigError ? { ok: false, issues: err.issues } : { ok: false, error: (err as Error)?.message ?? String(err) }),
).then((reply) => parentPort!.postMessage(reply));
