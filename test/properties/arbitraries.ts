// Arbitraries for untrusted server input: raw bytes as latin1 lines, near-miss protocol lines, and their mixes.
import fc from 'fast-check';
import { ProbeError, REASONS } from '../../src/probe/reasons.js';

/** Any bytes, read the way LineConn reads them: one char per byte (latin1). */
export const latin1 = (maxLength = 300): fc.Arbitrary<string> =>
  fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('latin1'));

/** Lines close to what servers send, so properties reach past the first regex. */
export const nearMiss: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('220 ok', '220-', '250-STARTTLS', '250 STARTTLS', '421 busy', '554', '999 x', '2500', '* OK', '* BYE', '* CAPABILITY', '+OK', '-ERR', '.', '..x', 'a1 OK', 'a1 NO', 'a1', 'HTTP/1.1 200 OK', 'SSH-2.0-x', '\x16\x03\x01', ''),
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom(' ', '-', '', '\t'), latin1(40)).map(([c, s, t]) => `${c}${s}${t}`),
  fc.tuple(fc.constantFrom('* OK ', '* BYE ', '* PREAUTH ', '+OK ', '-ERR ', 'a1 OK ', 'a1 BAD '), latin1(40)).map(([p, t]) => p + t),
);

export const anyLine: fc.Arbitrary<string> = fc.oneof(latin1(), nearMiss, fc.string({ unit: 'binary', maxLength: 100 }));

/** What a quoted message may contain: printable ASCII, closed by a quote, optionally the truncation mark. */
export const QUOTED = /"(?:[\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\rnt]|\\x[0-9a-f]{2}|\\u\{[0-9a-f]+\})*…?"/;

/** A parser's verdict as a ProbeError must use a known reason and quote safely. */
export function expectSafeError(e: unknown, allowed: readonly string[]): void {
  if (!(e instanceof ProbeError)) throw new Error(`not a ProbeError: ${String(e)}`);
  if (!allowed.includes(e.reason) || !(REASONS as readonly string[]).includes(e.reason)) throw new Error(`unexpected reason ${e.reason}`);
  // Every byte from the server is escaped: no control characters reach a log line.
  if (/[\x00-\x1f\x7f-\uffff]/.test(e.message.replace(/…/g, ''))) throw new Error(`unescaped byte in ${JSON.stringify(e.message)}`);
  if (e.message.length > 1200) throw new Error(`message too long: ${e.message.length}`);
}
