// Harness temp dirs: per-instance directories under os.tmpdir(), traversable by privilege-dropping daemons.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const PREFIX = 'tlsprobe-';

/** Set TLSPROBE_HARNESS_KEEP=1 to keep temp dirs (configs, logs) after stop() for debugging. */
export const keepTempDirs = (): boolean => process.env.TLSPROBE_HARNESS_KEEP === '1';

/**
 * mkdtemp under os.tmpdir(), chmod 755: postfix/dovecot/nginx workers run as other users
 * (postfix, dovenull, nobody) and must be able to traverse it.
 */
export async function makeTempDir(kind: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${kind}-`));
  await chmod(dir, 0o755);
  return dir;
}

function assertOurs(dir: string): void {
  const abs = resolve(dir);
  if (resolve(abs, '..') !== resolve(tmpdir()) || !basename(abs).startsWith(PREFIX)) {
    throw new Error(`refusing to remove ${dir}: not a harness temp dir`);
  }
}

/** Remove a temp dir made by makeTempDir (refuses anything else). */
export async function removeTempDir(dir: string): Promise<void> {
  assertOurs(dir);
  if (keepTempDirs()) return;
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** Synchronous variant for process 'exit' handlers. */
export function removeTempDirSync(dir: string): void {
  try {
    assertOurs(dir);
    if (!keepTempDirs()) rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

/** Write a file; mode 0600 for secrets (read by the daemons' root master), 0644 otherwise. */
export async function writeFileMode(path: string, data: string | Buffer, secret = false): Promise<void> {
  await writeFile(path, data, { mode: secret ? 0o600 : 0o644 });
  await chmod(path, secret ? 0o600 : 0o644);
}
