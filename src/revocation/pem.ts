// CRL bodies as served: DER, or PEM ("-----BEGIN X509 CRL-----", RFC 7468 §5), decoded in slices so big ones don't stall.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { DerError } from './der.js';

const BEGIN = '-----BEGIN X509 CRL-----';
const END = '-----END X509 CRL-----';
/** Raw text per slice: ~1 MB decodes in well under a millisecond or two. */
const SLICE = 1 << 20;

export type CrlEncoding = 'der' | 'pem';

/** The DER inside a fetched body. Throws DerError when it is neither DER nor a PEM CRL. */
export async function crlDer(body: Buffer): Promise<{ der: Buffer; encoding: CrlEncoding }> {
  if (body[0] === 0x30) return { der: body, encoding: 'der' };
  const head = body.subarray(0, 4096).toString('latin1');
  const begin = head.indexOf(BEGIN);
  if (begin < 0) throw new DerError('neither a DER CRL nor a PEM "X509 CRL" block');
  const start = begin + BEGIN.length;
  const end = body.indexOf(END, start, 'latin1');
  if (end < 0) throw new DerError(`PEM CRL without "${END}"`);
  const parts: Buffer[] = [];
  let carry = '';
  for (let p = start; p < end; p += SLICE) {
    // Whitespace may fall anywhere; base64 decodes in 4-character groups, so carry the remainder.
    const text = carry + body.toString('latin1', p, Math.min(end, p + SLICE)).replace(/[\s]+/g, '');
    if (/[^A-Za-z0-9+/=]/.test(text)) throw new DerError('PEM CRL contains characters outside base64');
    const whole = text.length - (text.length % 4);
    parts.push(Buffer.from(text.slice(0, whole), 'base64'));
    carry = text.slice(whole);
    if (p + SLICE < end) await yieldLoop();
  }
  if (carry.length) throw new DerError('PEM CRL base64 is truncated');
  const der = Buffer.concat(parts);
  if (der[0] !== 0x30) throw new DerError('PEM CRL does not hold DER');
  return { der, encoding: 'pem' };
}
