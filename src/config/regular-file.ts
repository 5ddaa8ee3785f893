// Reading the files the config names (targets.yaml, the web config and its certificate and key, CA
// bundles, password files): only regular files, and only up to a size. Reading a FIFO or a device
// waits for a writer, and a blocked read cannot be cancelled (it would hold a libuv thread, or the
// config loader thread, for good). The file is opened without blocking and checked on the open
// descriptor (no window between the check and the read), before anything is read.
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Why `st` is not something to read a config input from, or null when it is a regular file of at most maxBytes. */
function problem(st: Stats, maxBytes: number): string | null {
  if (st.isFile()) return st.size > maxBytes ? `larger than ${size(maxBytes)}` : null;
  const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'something else';
  return `not a regular file: ${kind}`;
}

function size(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes / 1024} KiB`;
}

export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(path, FLAGS);
  try {
    const why = problem(await fh.stat(), maxBytes);
    if (why) throw new Error(why);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    const why = problem(fstatSync(fd), maxBytes);
    if (why) throw new Error(why);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What a failed read says in parentheses: the fs code (ENOENT, EACCES, ...) or the reason above. */
export function unreadable(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e);
}

/** Size caps: far above any real file of the kind, far below what would hurt to hold in memory. */
export const MAX_CONFIG_BYTES = 64 << 20; // targets.yaml (100,000 targets are ~10-30 MB), the web config
export const MAX_PEM_BYTES = 16 << 20; // a CA bundle (the Mozilla set is ~0.2 MB), a certificate, a key
export const MAX_SECRET_BYTES = 64 << 10; // a password file
