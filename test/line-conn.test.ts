// The line reader meeting a server's close: lines sent before it are read first, and the error names
// the phase the close came in and quotes only what was left unread.
import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { LineConn, type Wait } from '../src/probe/line-conn.js';
import { DEFAULT_LIMITS } from '../src/probe/limits.js';
import type { ProbeError } from '../src/probe/reasons.js';

const soon = (): Wait => ({ until: Date.now() + 1000, ms: 1000 });

/** A stream whose data and end have both been delivered before anything reads. */
async function closedAfter(text: string): Promise<LineConn> {
  const socket = new PassThrough();
  const conn = new LineConn(socket, DEFAULT_LIMITS, null);
  socket.end(text);
  await once(socket, 'end');
  return conn;
}

async function failure(conn: LineConn): Promise<ProbeError> {
  return conn.readLine(soon(), 'timeout_reply', 'reply').then(
    (line) => expect.unreachable(`read a line: ${line}`),
    (err: ProbeError) => err,
  );
}

describe('LineConn after the server closed', () => {
  it('returns the lines sent before the close, then connection_closed without quoting them', async () => {
    const conn = await closedAfter('220-mail.example.test ESMTP\r\n220-second line\r\n');
    conn.phase = 'starttls'; // the phase moved on after the close: the error keeps the close's
    expect(await conn.readLine(soon(), 'timeout_reply', 'reply')).toBe('220-mail.example.test ESMTP');
    expect(await conn.readLine(soon(), 'timeout_reply', 'reply')).toBe('220-second line');
    const err = await failure(conn);
    expect(err.reason).toBe('connection_closed');
    expect(err.phase).toBe('greeting');
    expect(err.message).toBe('server closed the connection during greeting');
  });

  it('quotes an unfinished line, and calls binary bytes a protocol_error', async () => {
    const text = await failure(await closedAfter('220 mail.exam'));
    expect(text).toMatchObject({ reason: 'connection_closed', message: 'server closed the connection during greeting after sending "220 mail.exam"' });
    const binary = await failure(await closedAfter('\x00\x01\x02\xff'));
    expect(binary.reason).toBe('protocol_error');
    expect(binary.message).toContain('binary data');
  });

  it('gives the same error to every later read', async () => {
    const conn = await closedAfter('');
    expect(await failure(conn)).toBe(await failure(conn));
  });
});
