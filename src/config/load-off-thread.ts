// The agent's config load (start and SIGHUP): loadConfigFile on a short-lived worker thread.
// In the main thread, 10,000 targets blocked the event loop for ~0.5-1 s (scrapes and probes in
// flight waited) and left ~400 MB of YAML garbage to its heap; here the main thread only receives
// the result (the loop's longest stall: ~10 ms). Same Config, same ConfigError, same exit codes.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Secret } from '../revocation/secret.js';
import { ConfigError, type ConfigIssue } from './error.js';
import type { Config } from './schema.js';

const SCRIPT = fileURLToPath(new URL('./load-worker.js', import.meta.url));
/** A Secret in transit: its value is a private field, which structured clone does not copy. */
const SECRET = '__tlsprobeSecret';

export type LoadReply = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] } | { ok: false; error: string };

/** Whether the compiled worker script is there (the bench refuses to measure the fallback). */
export function loaderThreadAvailable(): boolean {
  return existsSync(SCRIPT);
}

/**
 * How long a load may take: 10,000 targets take ~1 s, 100,000 ~10 s. A file that never ends (a FIFO,
 * a hung network mount) would otherwise hold a start or a reload forever.
 */
export const LOAD_TIMEOUT_MS = 60_000;

/** Like loadConfigFile; on the calling thread when there is no compiled worker script (TypeScript sources under the test runner). */
export function loadConfigOffThread(path: string, opts: { script?: string; timeoutMs?: number } = {}): Promise<Config> {
  const script = opts.script ?? SCRIPT;
  // Imported here: the parser (zod, yaml) is loaded by the thread that parses, not by the agent's main thread.
  if (!existsSync(script)) return import('./load.js').then((m) => m.loadConfigFile(path));
  const timeoutMs = opts.timeoutMs ?? LOAD_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { path } });
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      return true;
    };
    // Out of memory on a huge file, a broken install, no answer in time: an error about this file, not a crash or a hang.
    const fail = (message: string): void => {
      if (settle()) reject(new ConfigError([{ file: path, line: null, column: null, path: '', message: `could not be loaded: ${message}` }]));
    };
    const timer = setTimeout(() => fail(`not read and checked within ${timeoutMs / 1000} s`), timeoutMs);
    worker.once('message', (reply: LoadReply) => {
      if (!settle()) return;
      if (reply.ok) resolve(unpackSecrets(reply.config));
      else reject('issues' in reply ? new ConfigError(reply.issues) : new Error(reply.error));
    });
    worker.once('error', (err) => fail(err.message));
    worker.once('exit', (code) => fail(`the loader thread exited (${code}) without an answer`));
  });
}

/** In the worker: Secrets become tagged plain objects (in place: the config is ours and is dropped after). */
export function packSecrets(config: Config): LoadReply {
  walk(config, (v) => (v instanceof Secret ? { [SECRET]: v.reveal() } : undefined));
  return { ok: true, config };
}

function unpackSecrets(config: Config): Config {
  walk(config, (v) => (isPacked(v) ? new Secret(v[SECRET]) : undefined));
  return config;
}

function isPacked(v: unknown): v is { [SECRET]: string } {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[SECRET] === 'string';
}

/** Replaces, in place, every value for which `swap` returns something; descends into arrays and plain objects. */
function walk(node: unknown, swap: (v: unknown) => unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const obj = node as Record<string | number, unknown>;
  // Plain loops: 10,000 targets are a few hundred thousand values, walked on the main thread.
  if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(obj, i, swap);
  else for (const k in obj) visit(obj, k, swap);
}

function visit(obj: Record<string | number, unknown>, k: string | number, swap: (v: unknown) => unknown): void {
  const replaced = swap(obj[k]);
  if (replaced !== undefined) obj[k] = replaced;
  else walk(obj[k], swap);
}
