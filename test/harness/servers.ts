// Harness process supervision: spawn a daemon in its own process group, capture logs, wait for ports, stop cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { tryConnect, waitForPort } from './ports.js';
import { fileTail, groupListensOn, groupMembers } from './system.js';
import { removeTempDir, removeTempDirSync } from './tmp.js';

const MAX_BUFFER = 64 * 1024;
const live = new Set<ServerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort: if the test process ends without afterAll running, kill every group we started.
  const killAll = (): void => {
    for (const sp of live) sp.killSync();
  };
  process.on('exit', killAll);
  // Vitest stops its fork workers with SIGTERM, which skips 'exit' handlers: clean up, then re-raise.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

export interface SpawnSpec {
  /** Short name used in errors ("postfix", "dovecot", ...). */
  name: string;
  command: string;
  args: string[];
  /** Per-instance temp dir; removed by stop(). */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Daemon log files whose tails are included in startup errors. */
  logFiles?: string[];
  /** Max time stop() waits after SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** Extra diagnostics collected (bounded) when startup fails, e.g. config checks. */
  diagnose?: () => Promise<string>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ServerProcess {
  readonly child: ChildProcess;
  private captured = '';
  private exitInfo: string | undefined;
  private readonly exited: Promise<void>;
  private stopping: Promise<void> | undefined;

  private constructor(readonly spec: SpawnSpec) {
    installExitHook();
    // detached: the daemon leads its own process group, so stop() can signal stray workers too.
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.dir,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${String(code)}`;
        resolve();
      });
      this.child.once('error', (err) => {
        this.exitInfo = `failed to spawn: ${err.message}`;
        resolve();
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.captured = (this.captured + chunk).slice(-MAX_BUFFER);
      });
      (stream as Socket | null)?.unref?.();
    }
    this.child.unref();
    live.add(this);
  }

  static start(spec: SpawnSpec): ServerProcess {
    return new ServerProcess(spec);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Captured stdout/stderr (last 64 KiB). */
  output(): string {
    return this.captured;
  }

  /** Captured stdout/stderr plus the tail of each daemon log file. */
  logTail(): string {
    const parts = [`--- ${this.spec.name} stdout/stderr ---\n${this.captured.slice(-8192) || '(empty)'}`];
    for (const f of this.spec.logFiles ?? []) parts.push(`--- ${f} ---\n${fileTail(f)}`);
    return parts.join('\n');
  }

  /**
   * Wait (bounded) until every port accepts, on a socket held by this server's process group.
   * On failure: collect the log tail, stop the process (removing the temp dir), throw with the tail.
   */
  async waitReady(host: string, ports: number[], timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    try {
      for (const port of ports) {
        await waitForPort(host, port, Math.max(1, deadline - Date.now()), {
          abort: () => (this.exitInfo === undefined ? undefined : `${this.spec.name} ${this.exitInfo}`),
          verify: () => this.child.pid !== undefined && groupListensOn(this.child.pid, port),
        });
      }
    } catch (err) {
      await sleep(200); // let the daemon flush its last log lines
      let tail = this.logTail();
      for (const port of ports) {
        // Daemons that log bind errors only to syslog (postfix master) still get retried by withPortRetry.
        if ((await tryConnect(host, port, 500)) && !groupListensOn(this.child.pid ?? -1, port)) {
          tail = `port ${port} is held by another process: address already in use\n${tail}`;
        }
      }
      if (this.spec.diagnose) {
        tail += '\n' + (await this.spec.diagnose().catch((e: Error) => `(diagnose failed: ${e.message})`));
      }
      await this.stop();
      throw new Error(`${this.spec.name} failed to start (${(err as Error).message})\n${tail}`);
    }
  }

  /** SIGTERM, bounded wait, SIGKILL the whole process group, then remove the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const pid = this.child.pid;
    const timeout = this.spec.stopTimeoutMs ?? 10_000;
    if (pid !== undefined) {
      if (this.exitInfo === undefined) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await Promise.race([this.exited, sleep(timeout)]);
      }
      // The leader is gone (or stuck); give its workers a moment, then SIGKILL what is left.
      for (let i = 0; i < 30 && groupMembers(pid).length > 0; i++) await sleep(100);
      if (groupMembers(pid).length > 0) this.killGroup('SIGKILL');
      for (let i = 0; i < 30 && groupMembers(pid).length > 0; i++) await sleep(100);
      await Promise.race([this.exited, sleep(1000)]);
    }
    live.delete(this);
    await removeTempDir(this.spec.dir);
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      /* group empty */
    }
  }

  /** Synchronous SIGKILL of the group + temp dir removal, for process 'exit'. */
  killSync(): void {
    this.killGroup('SIGKILL');
    removeTempDirSync(this.spec.dir);
  }
}

/** Retry a start function when the chosen free port was grabbed by someone else in the meantime. */
export async function withPortRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (err) {
      const msg = (err as Error).message;
      if (i >= attempts || !/address already in use|EADDRINUSE/i.test(msg)) throw err;
    }
  }
}
