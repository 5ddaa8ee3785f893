// Runs a measurement in a fresh Node.js process (own heap, RSS and event loop) and returns the one message it sends.
import { fork } from 'node:child_process';

export async function runChild<T>(file: URL, args: string[], timeoutMs: number, nodeFlags: string[] = []): Promise<T> {
  const child = fork(file, args, { execArgv: ['--expose-gc', ...nodeFlags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${file.pathname} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      child.once('message', (m) => {
        const msg = m as { ok: boolean; result?: T; error?: string };
        if (msg.ok) resolve(msg.result as T);
        else reject(new Error(`${file.pathname}: ${msg.error}`));
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`${file.pathname} exited (${signal ?? code}) without a result`)));
    });
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(kill);
    }
  }
}

/** Child side: runs `main` and sends its result (or error) to the parent, then exits. */
export function childMain<T>(main: () => Promise<T>): void {
  main().then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, error: (err as Error).stack ?? String(err) }, () => process.exit(1)),
  );
}
