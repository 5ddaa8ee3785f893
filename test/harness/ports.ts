// Harness port helpers: pick a free loopback port, probe/wait until a TCP port accepts (all bounded).
import { createServer, connect } from 'node:net';

/** Ask the kernel for a free port on host (listen on port 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('freePort: unexpected server address'));
        return;
      }
      srv.close((err) => (err ? reject(err) : resolve(addr.port)));
    });
  });
}

/** n distinct free ports. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  for (let tries = 0; ports.size < n && tries < n * 10; tries++) ports.add(await freePort(host));
  if (ports.size < n) throw new Error(`freePorts: could not find ${n} distinct ports`);
  return [...ports];
}

/** One connection attempt; true if the port accepted within attemptTimeoutMs. */
export function tryConnect(host: string, port: number, attemptTimeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), attemptTimeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export interface WaitOptions {
  intervalMs?: number;
  /** Called between attempts; return a reason string to stop waiting early (e.g. the server exited). */
  abort?: () => string | undefined;
  /** Extra check after a successful connect (e.g. "the listener is ours"); false means keep waiting. */
  verify?: () => boolean;
}

/** Retry connecting until the port accepts; throws after timeoutMs (bounded number of attempts). */
export async function waitForPort(host: string, port: number, timeoutMs: number, opts: WaitOptions = {}): Promise<void> {
  const interval = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / interval) + 1;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const reason = opts.abort?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${host}:${port}: ${reason}`);
    const left = deadline - Date.now();
    if (left <= 0) break;
    if ((await tryConnect(host, port, Math.min(1000, left))) && (opts.verify?.() ?? true)) return;
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
  const what = opts.verify ? 'accept connections (on a listener owned by the server)' : 'accept connections';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${host}:${port} to ${what}`);
}
