// Scripted in-process TCP servers on loopback, for misbehaviour real servers won't show.
import * as net from 'node:net';
import { readLines } from '../../src/demo/lines.js';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Starts a server whose every connection is handed to `script`. All sockets are destroyed on close. */
export async function scripted(script: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<Scripted> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    script(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads CRLF lines from a socket and answers each with `answer(line)` (undefined = say nothing). */
export function onLines(socket: net.Socket, answer: (line: string) => string | undefined | void): void {
  readLines(socket, (line) => {
    const out = answer(line);
    if (typeof out === 'string') socket.write(out);
  });
}

/** A port that is not listening (bound once, then released). */
export async function closedPort(): Promise<number> {
  const s = await scripted(() => {});
  await s.close();
  return s.port;
}

/**
 * A listener whose accept queue is full, so new SYNs are dropped and connect() hangs:
 * the only way to get a real connect timeout on loopback. Python, because Node always accepts.
 */
export async function blackholePort(): Promise<{ port: number; close(): void }> {
  const child: ChildProcess = spawn('python3', [
    '-c',
    [
      'import socket, sys, time',
      's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
      'fill = []',
      'for _ in range(4):',
      '  c = socket.socket(); c.setblocking(False)',
      '  try: c.connect(s.getsockname())',
      '  except BlockingIOError: pass',
      '  fill.append(c)',
      'print(s.getsockname()[1], flush=True)',
      'sys.stdin.read()',
    ].join('\n'),
  ], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('python3 blackhole listener did not start')), 10_000);
    child.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(Number(d.toString().trim()));
    });
    child.once('error', reject);
  });
  return { port, close: () => child.kill() };
}
