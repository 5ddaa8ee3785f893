// Harness system helpers: locating daemon binaries, system users/groups, running short commands (bounded).
import { execFile } from 'node:child_process';
import {
  accessSync, closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of an executable, or throw "<name> not installed: apt-get install -y <pkg>". Never skips. */
export function findBinary(name: string, pkg: string, extraDirs: string[] = []): string {
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...extraDirs, ...fromPath, ...SEARCH_DIRS]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* try next */
    }
  }
  throw new Error(`${name} not installed: apt-get install -y ${pkg}`);
}

/** Daemons that drop privileges (postfix, dovecot) need root for their own chown/setuid. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} harness must run as root (it starts a real ${what})`);
}

/** Throw the "not installed" error unless the given file exists (schema files, modules, ...). */
export function requireFile(path: string, pkg: string): string {
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    throw new Error(`${path} missing (${pkg} not installed?): apt-get install -y ${pkg}`);
  }
}

function lookupId(file: string, name: string, field: number): number {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const parts = line.split(':');
    if (parts[0] === name && parts[field] !== undefined) return Number(parts[field]);
  }
  throw new Error(`no entry "${name}" in ${file} (is the owning package installed?)`);
}

export const uidOf = (user: string): number => lookupId('/etc/passwd', user, 2);
export const gidOf = (group: string): number => lookupId('/etc/group', group, 2);

/** Run a command to completion (bounded by timeoutMs); resolves stdout, rejects with stderr in the message. */
export function run(file: string, args: string[], timeoutMs = 30_000, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20, env: env ?? process.env },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${String(stderr)}${String(stdout)}`.trim()));
        } else {
          resolve(String(stdout));
        }
      });
  });
}

/** Reject config values that would break a line-oriented config file. */
export function assertOneLine(what: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error(`${what} must be a single line: ${JSON.stringify(value)}`);
  return value;
}

const TAIL_BYTES = 8 * 1024;

/** Non-zombie processes whose process group is pgid (Linux /proc). */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      /* process vanished */
    }
  }
  return pids;
}

/** Last TAIL_BYTES of a file, or a note why it is unreadable. */
export function fileTail(path: string): string {
  try {
    const size = statSync(path).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, len, size - len);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8');
  } catch (err) {
    return `(unreadable: ${(err as Error).message})`;
  }
}

/**
 * True if a process in process group pgid holds a LISTEN TCP socket on port (Linux /proc). Guards
 * against a port taken by someone else between freePort() and the daemon's bind: connecting alone
 * would then succeed against the intruder.
 */
export function groupListensOn(pgid: number, port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f[3] === '0A' && f[1]?.endsWith(suffix) && f[9] !== undefined) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return false;
  for (const pid of groupMembers(pgid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return true;
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return false;
}
