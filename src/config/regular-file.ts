// Reading the files the config names (targets.yaml, the web config and its certificate and key, CA
// bundles, password files): only regular files, and only up to a size. Reading a FIFO or a device
// waits for a writer, and a blocked read cannot be cancelled (it would hold a libuv thread, or the
// config loader thread, for good). The file is opened without blocking and checked on the open
// descriptor (no window between the check and the read), before anything is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
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

// The read is bounded too: the file's size as checked, plus one byte to notice a file that grew
// after the check (a writer racing us; /proc-like files that report size 0). Such a file is refused
// rather than read on to EOF past the cap.
const GREW = 'changed size while being read';

export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(path, FLAGS);
  try {
    const st = await fh.stat();
    const why = problem(st, maxBytes);
    if (why) throw new Error(why);
    const buf = Buffer.allocUnsafeSlow(st.size + 1);
    let n = 0;
    let r: number;
    do {
      r = (await fh.read(buf, n, buf.length - n, null)).bytesRead;
      n += r;
    } while (r > 0 && n < buf.length);
    return checked(buf, n);
  } finally {
    await fh.close();
  }
}

export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    const st = fstatSync(fd);
    const why = problem(st, maxBytes);
    if (why) throw new Error(why);
    const buf = Buffer.allocUnsafeSlow(st.size + 1);
    let n = 0;
    let r: number;
    do {
      r = readSync(fd, buf, n, buf.length - n, null);
      n += r;
    } while (r > 0 && n < buf.length);
    return checked(buf, n);
  } finally {
    closeSync(fd);
  }
}

/** The `n` bytes read, unless the read filled the extra byte: the file is longer than it was. */
function checked(buf: Buffer, n: number): Buffer {
  if (n === buf.length) throw new Error(GREW);
  return buf.subarray(0, n);
}

/** What a failed read says in parentheses: the fs code (ENOENT, EACCES, ...) or the reason above. */
export function unreadable(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message ?? String(e);
}

/** Size caps: far above any real file of the kind, far below what would hurt to hold in memory. */
export const MAX_CONFIG_BYTES = 64 << 20; // targets.yaml (100,000 targets are ~10-30 MB), the web config
export const MAX_PEM_BYTES = 16 << 20; // a CA bundle (the Mozilla set is ~0.2 MB), a certificate, a key
export const MAX_SECRET_BYTES = 64 << 10; // a password file
