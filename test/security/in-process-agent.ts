// Runs `tlsprobe run` in-process through main(), reads its logs, and stops it with an emitted SIGTERM; all waits bounded.
import * as https from 'node:https';
import * as http from 'node:http';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli.js';

export interface InProcessAgent {
  /** Base URL the agent printed, e.g. https://127.0.0.1:40123. */
  url: string;
  /** Everything written to stderr so far: the JSON log lines and the "agent running" line. */
  stderr(): string;
  stop(): Promise<number>;
}

export async function startRun(argv: string[], timeoutMs = 15_000): Promise<InProcessAgent> {
  const io = captureIo();
  let exited: number | null = null;
  const done = main(['run', ...argv], io.io).then((code) => (exited = code));
  const end = Date.now() + timeoutMs;
  let url: string | null = null;
  while (Date.now() < end && exited === null) {
    url = /agent running; metrics at (\S+)\/metrics/.exec(io.err())?.[1] ?? null;
    if (url) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!url) throw new Error(`tlsprobe run did not start (exit ${exited}):\n${io.err()}`);
  return {
    url,
    stderr: io.err,
    async stop() {
      // untilSignalled() listens on the process; the vitest worker has no SIGTERM listener of its own.
      process.emit('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error('agent did not stop within 20 s')), 20_000)));
      try {
        return await Promise.race([done, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET with an optional CA (https) and basic-auth credentials; bounded by a 10 s timeout. */
export function get(url: string, o: { ca?: string; auth?: string } = {}): Promise<Got> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(u, { ...(o.ca ? { ca: o.ca } : {}), ...(o.auth ? { auth: o.auth } : {}), timeout: 10_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
