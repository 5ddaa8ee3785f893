// Hostile greetings not covered by test/failures.test.ts: slow drips, other protocols, binary and silent garbage.
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { hostileSuite, expectReason, drip } from './harness.js';

const { serve } = hostileSuite();

describe('greeting', () => {
  it('timeout_banner, not a hang, when the banner drips one byte a second', async () => {
    const s = await serve((sock) => drip(sock, '220 mail.example.test ESMTP\r\n', 1000));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'timeout_banner', { timeoutMs: 2500 });
    // What dripped in so far is quoted, so an operator sees the server did say something.
    expect(r.error?.message).toMatch(/received so far: "22?0?"/);
    expect(r.error?.phase).toBe('greeting');
  });

  it('timeout_banner for IMAP and POP3 greetings that drip', async () => {
    const imap = await serve((sock) => drip(sock, '* OK ready\r\n', 400));
    const pop3 = await serve((sock) => drip(sock, '+OK ready\r\n', 400));
    await expectReason(`imap://127.0.0.1:${imap.port}`, 'timeout_banner', { timeoutMs: 1500 });
    await expectReason(`pop3://127.0.0.1:${pop3.port}`, 'timeout_banner', { timeoutMs: 1500 });
  });

  it('protocol_mismatch when an HTTP server answers on the IMAP and POP3 ports, quoting it', async () => {
    const http = await serve((sock) => sock.end('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n'));
    for (const scheme of ['imap', 'pop3'] as const) {
      const r = await expectReason(`${scheme}://127.0.0.1:${http.port}`, 'protocol_mismatch');
      expect(r.error?.message).toContain('an HTTP response');
      expect(r.error?.message).toContain('"HTTP/1.1 400 Bad Request"');
    }
  });

  it('protocol_mismatch for an SSH banner, an SMTP banner on IMAP and an IMAP greeting on SMTP', async () => {
    const ssh = await serve((sock) => sock.write('SSH-2.0-OpenSSH_9.6\r\n'));
    const smtp = await serve((sock) => sock.write('220 mail.example.test ESMTP\r\n'));
    const imap = await serve((sock) => sock.write('* OK [CAPABILITY IMAP4rev1] ready\r\n'));
    expect((await expectReason(`smtp://127.0.0.1:${ssh.port}`, 'protocol_mismatch')).error?.message).toContain('SSH');
    expect((await expectReason(`imap://127.0.0.1:${smtp.port}`, 'protocol_mismatch')).error?.message).toContain('SMTP');
    expect((await expectReason(`smtp://127.0.0.1:${imap.port}`, 'protocol_mismatch')).error?.message).toContain('IMAP');
    expect((await expectReason(`pop3://127.0.0.1:${imap.port}`, 'protocol_mismatch')).error?.message).toContain('IMAP');
  });

  it('protocol_error on binary garbage for SMTP and POP3, with non-printable bytes escaped', async () => {
    const garbage = Buffer.from([0x16, 0x00, 0xfe, 0x01, 0x7f, 0x41, 0x0d, 0x0a]);
    const s = await serve((sock) => sock.write(garbage));
    for (const scheme of ['smtp', 'pop3'] as const) {
      const r = await expectReason(`${scheme}://127.0.0.1:${s.port}`, 'protocol_error');
      expect(r.error?.message).toContain('\\x16\\x00\\xfe\\x01\\x7fA');
    }
  });

  it('protocol_error (not a timeout) for binary garbage without a line end, then silence', async () => {
    // 200 random bytes with no LF: no line ever completes; the partial data says what the port speaks.
    const bytes = Buffer.from([...randomBytes(200)].map((b) => (b === 0x0a ? 0x00 : b)));
    bytes[0] = 0x00;
    const s = await serve((sock) => sock.write(bytes));
    for (const scheme of ['smtp', 'imap', 'pop3'] as const) {
      const r = await expectReason(`${scheme}://127.0.0.1:${s.port}`, 'protocol_error', { timeoutMs: 800 });
      expect(r.error?.message).toContain('\\x00');
      // 120 bytes quoted, each at most 4 characters once escaped.
      expect(r.error?.message.length).toBeLessThan(700);
    }
  });

  it('protocol_error for binary garbage then close, instead of connection_closed', async () => {
    const s = await serve((sock) => sock.end(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff])));
    await expectReason(`smtp://127.0.0.1:${s.port}`, 'protocol_error');
  });

  it('connection_closed, quoting the partial line, when a text banner is cut short', async () => {
    const s = await serve((sock) => sock.end('220 mail.exam'));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_closed');
    expect(r.error?.message).toContain('"220 mail.exam"');
  });

  it('connection_closed in the greeting when the server closes inside a multi-line banner, without quoting lines already read', async () => {
    // Whether the close is seen before or after the lines are read, the message quotes only what was left unread.
    const s = await serve((sock) => sock.end('220-mail.example.test ESMTP\r\n220-second line\r\n'));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'connection_closed');
    expect(r.error?.phase).toBe('greeting');
    expect(r.error?.message).toBe('server closed the connection during greeting');
  });

  it('line_too_long on an over-long line with its line end in the same chunk, quoting only the start', async () => {
    const s = await serve((sock) => sock.write(`* OK ${'A'.repeat(5000)}\r\n`));
    const r = await expectReason(`imap://127.0.0.1:${s.port}`, 'line_too_long');
    expect(r.error?.message.length).toBeLessThan(400);
  });

  it('too_many_lines on an endless multi-line EHLO reply, bounded in time', async () => {
    const s = await serve((sock) => {
      sock.write('220 mail.example.test ESMTP\r\n');
      sock.once('data', () => {
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('250-PIPELINING\r\n'.repeat(10))), 5);
        sock.on('close', () => clearInterval(t));
      });
    });
    // too_many_lines (not timeout_reply) proves the cap fired before the deadline; expectReason bounds the time.
    await expectReason(`smtp://127.0.0.1:${s.port}`, 'too_many_lines');
  });

  it('too_many_lines on an endless IMAP CAPABILITY and POP3 CAPA', async () => {
    const imap = await serve((sock) => {
      sock.write('* OK ready\r\n');
      sock.once('data', () => sock.write('* CAPABILITY IMAP4rev1\r\n'.repeat(150)));
    });
    const pop3 = await serve((sock) => {
      sock.write('+OK ready\r\n');
      sock.once('data', () => sock.write(`+OK\r\n${'X-CAP\r\n'.repeat(150)}`));
    });
    await expectReason(`imap://127.0.0.1:${imap.port}`, 'too_many_lines');
    await expectReason(`pop3://127.0.0.1:${pop3.port}`, 'too_many_lines');
  });

  it('too_much_data when more than the pre-TLS budget arrives before TLS', async () => {
    // 99 continuation lines of 1 KB: under the line and line-count caps, over the 64 KiB budget.
    const s = await serve((sock) => sock.write(`220-${'x'.repeat(1000)}\r\n`.repeat(99)));
    const r = await expectReason(`smtp://127.0.0.1:${s.port}`, 'too_much_data');
    expect(r.error?.message).toContain('65536');
  });
});
