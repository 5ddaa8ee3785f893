// Starts `tlsprobe run` as a child process (the real bin), scrapes it, and stops it; all waits bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../harness/ports.js';

export interface Agent {
  port: number;
  child: ChildProcess;
  logs(): Array<Record<string, unknown>>;
  get(path: string): Promise<{ status: number; body: string }>;
  /** Polls until `pred` holds for the /metrics body, or fails after `timeoutMs`. */
  waitForMetrics(pred: (body: string) => boolean, timeoutMs?: number): Promise<string>;
  waitForLog(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startAgent(args: string[]): Promise<Agent> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/tlsprobe.js', 'run', '--listen', `127.0.0.1:${port}`, '--log-level', 'info', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const get = async (path: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.text() };
  };
  const poll = async <T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined) return v;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`agent: ${what} not seen within ${timeoutMs} ms; exit=${child.exitCode}; logs:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
  };
  const agent: Agent = {
    port,
    child,
    logs: () => lines,
    get,
    waitForMetrics: (pred, timeoutMs = 15_000) =>
      poll('metrics condition', timeoutMs, async () => {
        const r = await get('/metrics');
        return pred(r.body) ? r.body : undefined;
      }),
    waitForLog: (pred, timeoutMs = 15_000) => poll('log line', timeoutMs, async () => lines.find(pred)),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await agent.waitForLog((l) => l.msg === 'tlsprobe agent started' || child.exitCode !== null, 15_000).catch(() => undefined);
  return agent;
}

/** The value of the first sample line matching `name{...}` with all `labels`, or undefined. */
export function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
