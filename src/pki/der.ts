// Minimal DER encoder: just the primitives the CRL encoder and a few custom extensions need.
// Hand-rolled because building a million ASN.1 objects through @peculiar/asn1-schema costs
// far more time and memory than writing the bytes directly.

/** Length octets (definite form) for a content length. */
export function derLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Tag-length-value with a single-octet tag; `parts` are concatenated as the content. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = parts.length === 1 ? Buffer.from(parts[0]!) : Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);

/** INTEGER from unsigned big-endian magnitude bytes (minimal, non-negative encoding). */
export function derUnsignedInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let body = Buffer.from(magnitude.subarray(i));
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

export function derSmallInteger(n: number | bigint): Buffer {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError('negative INTEGER not supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  return derUnsignedInteger(Uint8Array.from(bytes));
}

/** Hex serial with colons/spaces tolerated, as even-length upper-case hex. */
export function normalizeHex(hex: string): string {
  const clean = hex.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`not a hex serial: ${hex}`);
  return (clean.length % 2 ? '0' + clean : clean).toUpperCase();
}

export function derOid(oid: string): Buffer {
  const arcs = oid.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`bad OID ${oid}`);
  const out: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(out));
}

export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
export const derOctetString = (b: Uint8Array): Buffer => tlv(0x04, b);
export const derEnumerated = (n: number): Buffer => tlv(0x0a, derSmallInteger(n).subarray(2));
export const derBoolean = (b: boolean): Buffer => Buffer.from([0x01, 0x01, b ? 0xff : 0x00]);

/** BIT STRING with zero unused bits (signatures). */
export const derBitString = (b: Uint8Array): Buffer => tlv(0x03, Buffer.from([0]), b);

/** X.509 Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). Seconds precision. */
export function derTime(d: Date): Buffer {
  const iso = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z'; // YYYYMMDDHHMMSSZ
  const year = d.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`date out of X.509 range: ${iso}`);
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING } */
export function derExtension(oid: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? seq(derOid(oid), derBoolean(true), derOctetString(value)) : seq(derOid(oid), derOctetString(value));
}

/** WebCrypto ECDSA yields r||s (IEEE P1363); X.509 wants ECDSA-Sig-Value ::= SEQUENCE { r, s }. */
export function ecdsaP1363ToDer(sig: Uint8Array): Buffer {
  const half = sig.length / 2;
  return seq(derUnsignedInteger(sig.subarray(0, half)), derUnsignedInteger(sig.subarray(half)));
}
