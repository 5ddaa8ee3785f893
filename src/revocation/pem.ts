// CRL bodies as served: DER, or PEM ("-----BEGIN X509 CRL-----", RFC 7468 §5), decoded in slices so big ones don't stall.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { DerError } from './der.js';

const BEGIN = '-----BEGIN X509 CRL-----';
const END = '-----END X509 CRL-----';
/** Raw text per slice: 256 KiB of base64 decodes well under a millisecond. */
const SLICE = 1 << 18;

export type CrlEncoding = 'der' | 'pem';

/** The DER inside a fetched body. Throws DerError when it is neither DER nor a PEM CRL. */
export async function crlDer(body: Buffer): Promise<{ der: Buffer; encoding: CrlEncoding }> {
  if (body[0] === 0x30) return { der: body, encoding: 'der' };
  const head = body.toString('latin1', 0, 4096);
  const begin = head.indexOf(BEGIN);
  if (begin < 0) throw new DerError('neither a DER CRL nor a PEM "X509 CRL" block');
  // Decoded straight into one buffer: no concatenation of tens of MB at the end.
  const out = Buffer.allocUnsafe(Math.ceil(((body.length - begin) * 3) / 4));
  let written = 0;
  let carry = '';
  let ended = false;
  for (let p = begin + BEGIN.length; p < body.length && !ended; p += SLICE) {
    let text = body.toString('latin1', p, Math.min(body.length, p + SLICE));
    // Base64 has no '-': the first one starts the END line, so the body is never searched whole.
    const dash = text.indexOf('-');
    if (dash >= 0) {
      const tail = body.toString('latin1', p + dash, Math.min(body.length, p + dash + END.length));
      if (tail !== END) throw new DerError(`PEM CRL without "${END}"`);
      text = text.slice(0, dash);
      ended = true;
    }
    text = carry + text.replace(/\s+/g, '');
    if (/[^A-Za-z0-9+/=]/.test(text)) throw new DerError('PEM CRL contains characters outside base64');
    // Base64 decodes in 4-character groups; whitespace may fall anywhere, so carry the remainder.
    const whole = text.length - (text.length % 4);
    written += out.write(text.slice(0, whole), written, 'base64');
    carry = text.slice(whole);
    if (!ended) await yieldLoop();
  }
  if (!ended) throw new DerError(`PEM CRL without "${END}"`);
  if (carry.length) throw new DerError('PEM CRL base64 is truncated');
  const der = out.subarray(0, written);
  if (der[0] !== 0x30) throw new DerError('PEM CRL does not hold DER');
  return { der, encoding: 'pem' };
}
