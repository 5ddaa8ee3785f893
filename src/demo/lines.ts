// Server-side line reading for the demo and test servers: CRLF lines to a handler until it says stop.
import type { Socket } from 'node:net';

/**
 * Calls `onLine` for each line (without CR LF). When it returns `'stop'` the listener is removed
 * and nothing more is read (a STARTTLS hand-over: the bytes that follow belong to TLS). A client
 * that sends more than `maxLine` bytes without a newline is disconnected.
 */
export function readLines(socket: Socket, onLine: (line: string) => 'stop' | void, maxLine = 8192): void {
  let buf = '';
  const onData = (chunk: Buffer): void => {
    buf += chunk.toString('latin1');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (onLine(line) === 'stop') return void socket.off('data', onData);
    }
    if (buf.length > maxLine) socket.destroy();
  };
  socket.on('data', onData);
}
