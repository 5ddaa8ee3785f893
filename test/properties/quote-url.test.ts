// Property tests of quote() (how server bytes reach messages) and of target URL parsing.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { quote, hasControlBytes } from '../../src/probe/quote.js';
import { parseTargetUrl, TargetUrlError, SCHEMES } from '../../src/target/url.js';
import { QUOTED, latin1 } from './arbitraries.js';

/** Reverses quote()'s escapes (test-only), to show nothing is lost in what it keeps. */
function unquote(q: string): { text: string; truncated: boolean } {
  const truncated = q.endsWith('…"');
  const body = q.slice(1, truncated ? -2 : -1);
  const text = body.replace(/\\(x[0-9a-f]{2}|u\{[0-9a-f]+\}|[rnt"\\])/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : e[0] === 'u' ? String.fromCodePoint(parseInt(e.slice(2, -1), 16)) : ({ r: '\r', n: '\n', t: '\t' } as Record<string, string>)[e] ?? e,
  );
  return { text, truncated };
}

describe('quote()', () => {
  const input = fc.oneof(latin1(400), fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)));

  it('is printable ASCII in quotes, bounded, and decodes to a prefix of the input', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 200 }), (x, max) => {
        const q = quote(x, max);
        expect(q).toMatch(new RegExp(`^${QUOTED.source}$`));
        expect(q.length).toBeLessThanOrEqual(max * 10 + 3);
        const text = typeof x === 'string' ? x : x.toString('latin1');
        const back = unquote(q);
        expect(text.startsWith(back.text)).toBe(true);
        expect(back.truncated).toBe(back.text.length < text.length);
        expect(back.text.length).toBeGreaterThanOrEqual(Math.min(text.length, max - 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('hasControlBytes agrees between a Buffer and its latin1 string', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      expect(hasControlBytes(Buffer.from(b))).toBe(hasControlBytes(Buffer.from(b).toString('latin1')));
    }), { numRuns: 2000 });
  });
});

describe('parseTargetUrl', () => {
  const returnsOrUrlError = (text: string): void => {
    let u: ReturnType<typeof parseTargetUrl>;
    try {
      u = parseTargetUrl(text);
    } catch (e) {
      if (!(e instanceof TargetUrlError)) throw e;
      return;
    }
    // Outside the try: a TargetUrlError from the round trip below must fail the property.
    expect(u.port).toBeGreaterThanOrEqual(1);
    expect(u.port).toBeLessThanOrEqual(65535);
    expect(u.host.length).toBeGreaterThan(0);
    if (u.protocol !== 'https') expect(u.path).toBeNull();
    // The normalised form means the same target.
    expect(parseTargetUrl(u.href)).toEqual(u);
  };

  it('returns a target or throws TargetUrlError for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), returnsOrUrlError), { numRuns: 3000 });
  });

  it('returns a target or throws TargetUrlError for URL-shaped strings', () => {
    const scheme = fc.oneof(fc.constantFrom(...Object.keys(SCHEMES), 'SMTP', 'Imaps', 'ldap', 'http', ''), fc.string({ maxLength: 6 }));
    const host = fc.oneof(fc.constantFrom('mail.example.com', '127.0.0.1', '[::1]', '[2001:db8::25]', '[::1', 'x', '', 'user:pw@h', 'h%00', 'xn--bcher-kva.example', '999.1.1.1'), fc.domain(), fc.string({ maxLength: 20 }));
    const port = fc.oneof(fc.constant(''), fc.integer({ min: -1, max: 70000 }).map((p) => `:${p}`), fc.constantFrom(':', ':0x19', ':25abc', ': 25'));
    const path = fc.oneof(fc.constant(''), fc.constantFrom('/', '/owa/healthcheck.htm', '/?a=b', '#frag', '/\\x', '/a b'), fc.string({ maxLength: 20 }).map((s) => `/${s}`));
    fc.assert(fc.property(scheme, host, port, path, (s, h, p, q) => returnsOrUrlError(`${s}://${h}${p}${q}`)), { numRuns: 3000 });
  });
});
