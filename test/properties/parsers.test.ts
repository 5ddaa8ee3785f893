// Property tests of the parsers that read what servers send: SMTP, IMAP, POP3 and other-protocol detection.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseSmtpLine, parseEhlo, firstWord } from '../../src/protocols/smtp-reply.js';
import { classifyGreeting, parseImapCapabilities, parseTagged } from '../../src/protocols/imap-parse.js';
import { classifyPop3Greeting, parseStatus, capaLine } from '../../src/protocols/pop3-parse.js';
import { otherProtocol, looksLikeText } from '../../src/protocols/other-protocol.js';
import { anyLine, latin1, expectSafeError } from './arbitraries.js';

const RUNS = { numRuns: 2000 };
const GREETING_REASONS = ['server_rejected', 'protocol_mismatch', 'protocol_error'];

describe('SMTP replies (RFC 5321 §4.2)', () => {
  it('parseSmtpLine returns null or a reply whose parts rebuild the line', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const r = parseSmtpLine(line);
        if (r === null) return;
        expect(r.code).toBeGreaterThanOrEqual(200);
        expect(r.code).toBeLessThanOrEqual(559);
        const rebuilt = line.length === 3 ? String(r.code) : `${r.code}${r.final ? ' ' : '-'}${r.text}`;
        expect(rebuilt).toBe(line);
      }),
      RUNS,
    );
  });

  it('parseSmtpLine reads back any well-formed line', () => {
    const arb = fc.tuple(fc.integer({ min: 200, max: 559 }).filter((c) => c % 100 < 60), fc.boolean(), latin1(80));
    fc.assert(
      fc.property(arb, ([code, final, text]) => {
        expect(parseSmtpLine(`${code}${final ? ' ' : '-'}${text}`)).toEqual({ code, final, text });
      }),
      RUNS,
    );
  });

  it('parseEhlo never throws; keywords are upper case and parameters unique', () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), (lines) => {
        const info = parseEhlo(lines);
        if (info.host !== null) expect(info.host).toMatch(/^[A-Za-z0-9.[\]:_-]+$/);
        for (const [kw, params] of Object.entries(info.capabilities)) {
          expect(kw).toBe(kw.toUpperCase());
          expect(kw).not.toMatch(/\s/);
          expect(new Set(params).size).toBe(params.length);
        }
      }),
      RUNS,
    );
  });

  it('parseEhlo finds STARTTLS wherever it is listed, in any case', () => {
    const arb = fc.tuple(fc.array(fc.constantFrom('SIZE 1000', 'PIPELINING', 'AUTH LOGIN PLAIN', 'AUTH=LOGIN', '8BITMIME'), { maxLength: 8 }), fc.nat(8), fc.constantFrom('STARTTLS', 'starttls', 'StartTLS'));
    fc.assert(
      fc.property(arb, ([caps, at, kw]) => {
        const lines = ['mail.example.test Hello', ...caps.slice(0, at), kw, ...caps.slice(at)];
        expect(parseEhlo(lines).capabilities).toHaveProperty('STARTTLS');
      }),
      RUNS,
    );
  });

  it('firstWord is null or a host-like token from the start of the text', () => {
    fc.assert(
      fc.property(anyLine, (text) => {
        const w = firstWord(text);
        if (w !== null) expect(text.trim().startsWith(w)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('IMAP (RFC 9051)', () => {
  it('classifyGreeting is ok or a safe ProbeError with a greeting reason', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const v = classifyGreeting(line);
        if (v === 'ok') expect(line).toMatch(/^\* (OK|PREAUTH)\b/i);
        else expectSafeError(v, GREETING_REASONS);
      }),
      RUNS,
    );
  });

  /** The whitespace-separated words of `s`, by a char loop (independent of the parser's split). */
  const words = (s: string): string[] => {
    const out: string[] = [];
    let cur = '';
    for (const ch of s) {
      if (/\s/.test(ch)) {
        if (cur) out.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur) out.push(cur);
    return out;
  };
  const keyword = fc.constantFrom('CAPABILITY', 'capability', 'Capability');
  // Whitespace as servers (and broken servers) send it, including latin1 NBSP; never CR/LF (LineConn strips them).
  const space = fc.array(fc.constantFrom(' ', '\t', '\v', '\f', '\xa0'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
  const word = (except: RegExp): fc.Arbitrary<string> =>
    fc.array(fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)).filter((c) => !/\s/.test(c) && !except.test(c)), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
  const wordList = (except: RegExp) =>
    fc.tuple(fc.array(word(except), { maxLength: 10 }), space, space, fc.boolean(), fc.boolean()).map(([ws, sep, edge, lead, trail]) => ({
      ws,
      text: `${lead ? edge : ''}${ws.join(sep)}${trail ? edge : ''}`,
    }));
  const noLineBreaks = fc.oneof(latin1(200), fc.string({ unit: 'binary', maxLength: 100 })).map((t) => t.replace(/[\r\n\u2028\u2029]/g, ''));

  it('parseImapCapabilities reads the exact words of "* CAPABILITY <text>", in order', () => {
    fc.assert(
      fc.property(keyword, fc.oneof(wordList(/(?!)/), noLineBreaks.map((text) => ({ ws: words(text), text }))), (kw, { ws, text }) => {
        expect(parseImapCapabilities(`* ${kw} ${text}`)).toEqual(ws);
      }),
      RUNS,
    );
  });

  it('parseImapCapabilities reads a [CAPABILITY ...] response code up to its closing bracket', () => {
    const inside = fc.oneof(
      wordList(/\]/),
      // Arbitrary bytes (line breaks and brackets too): the code ends at the first ']'.
      latin1(200).map((text) => ({ ws: words(text.split(']')[0]!), text })),
    );
    fc.assert(
      fc.property(fc.constantFrom('* OK ', '* PREAUTH ', 'a1 OK '), keyword, inside, latin1(60), (prefix, kw, { ws, text }, rest) => {
        const line = `${prefix}[${kw} ${text}] ${rest}`;
        expect(parseImapCapabilities(line)).toEqual(ws);
      }),
      RUNS,
    );
  });

  it('parseTagged answers only for its own tag, and says OK or NO only when the server did', () => {
    fc.assert(
      fc.property(fc.oneof(anyLine, fc.tuple(fc.constantFrom('a1 ', 'A1 ', 'a2 ', 'a1 OK', 'A1 no', 'a2 Bad'), anyLine).map(([t, l]) => t + l)), fc.constantFrom('a1', 'a2', 'A1'), (line, tag) => {
        const t = parseTagged(line, tag);
        expect(t !== null).toBe(line.startsWith(`${tag} `));
        if (t === null) return;
        // Anything but an OK/NO status word (a garbled or foreign reply) must read as BAD, never as success.
        const rest = line.slice(tag.length + 1);
        if (t.status !== 'BAD') expect(rest).toMatch(new RegExp(`^${t.status}\\b`, 'i'));
      }),
      RUNS,
    );
  });

  it('parseTagged reads back the status (any case) and text of a well-formed completion', () => {
    const status = fc.constantFrom('OK', 'ok', 'Ok', 'NO', 'no', 'BAD', 'bad', 'Bad');
    const text = latin1(80).map((t) => t.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(status, text, (st, tx) => {
        expect(parseTagged(`a1 ${st} ${tx}`, 'a1')).toEqual({ status: st.toUpperCase(), text: tx });
      }),
      RUNS,
    );
  });
});

describe('POP3 (RFC 1939, RFC 2449)', () => {
  it('parseStatus and classifyPop3Greeting agree, and errors are safe', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const st = parseStatus(line);
        const v = classifyPop3Greeting(line);
        expect(v === 'ok').toBe(st?.ok === true);
        if (v !== 'ok') expectSafeError(v, GREETING_REASONS);
        if (st && st.ok === false) expect((v as { reason: string }).reason).toBe('server_rejected');
      }),
      RUNS,
    );
  });

  it('capaLine ends only on a lone dot and un-stuffs a leading dot', () => {
    fc.assert(
      fc.property(anyLine, (line) => {
        const c = capaLine(line);
        if (c.end) expect(line).toBe('.');
        else expect(line.startsWith('..') ? `.${c.capability}` : c.capability).toBe(line);
      }),
      RUNS,
    );
  });
});

describe('other-protocol detection', () => {
  it('names a known protocol or returns null, and never throws', () => {
    const known = new Set(['an HTTP response', 'an HTTP request', 'an SSH banner', 'an IMAP greeting', 'a POP3 greeting', 'an SMTP or FTP banner', 'a TLS record (is this an implicit-TLS port?)', 'a TLS alert (is this an implicit-TLS port?)', 'an HTML page']);
    fc.assert(
      fc.property(anyLine, (line) => {
        const o = otherProtocol(line);
        if (o !== null) expect(known.has(o)).toBe(true);
      }),
      RUNS,
    );
  });

  it('looksLikeText is true exactly when more than 90% of the line is printable ASCII or tab', () => {
    // Mostly-printable mixes, so lines land on both sides of the threshold (and on it).
    const ch = fc.oneof(
      { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 8 },
      { arbitrary: fc.constant('\t'), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), weight: 1 },
    );
    const line = fc.oneof(anyLine, fc.array(ch, { maxLength: 60 }).map((a) => a.join('')));
    fc.assert(
      fc.property(line, (l) => {
        const binary = l.replace(/[\x20-\x7e\t]/g, '').length; // UTF-16 units, as the line is measured
        expect(looksLikeText(l)).toBe(binary * 10 < l.length || l.length === 0);
      }),
      RUNS,
    );
  });

  it('recognises HTTP status lines and SSH banners whatever follows', () => {
    fc.assert(
      fc.property(fc.constantFrom('HTTP/1.0 ', 'HTTP/1.1 ', 'HTTP/2 ', 'SSH-2.0-'), latin1(60), (prefix, rest) => {
        expect(otherProtocol(prefix + rest)).toMatch(/HTTP response|SSH banner/);
      }),
      RUNS,
    );
  });

  it('printable ASCII is text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (s) => {
      expect(looksLikeText(s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' '))).toBe(true);
    }), RUNS);
  });
});
