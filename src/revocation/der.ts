// Minimal DER reader and writer (X.690): bounds-checked TLV walking over untrusted bytes, without building object trees.

/** One TLV: `start` is the tag octet, `body` the first content octet, `end` one past the last. */
export interface Tlv {
  tag: number;
  start: number;
  body: number;
  end: number;
}

export class DerError extends Error {
  override name = 'DerError';
}

/** Reads the TLV at `pos`, which must end at or before `limit`. Only single-octet tags (all X.509 needs). */
export function readTlv(buf: Uint8Array, pos: number, limit = buf.length): Tlv {
  return readTlvInto(buf, pos, limit, { tag: 0, start: 0, body: 0, end: 0 });
}

/**
 * readTlv into a caller-owned Tlv: loops over a million CRL entries reuse a few objects instead of
 * allocating several per entry (that garbage, not the index, was most of a big CRL's peak memory).
 */
export function readTlvInto(buf: Uint8Array, pos: number, limit: number, out: Tlv): Tlv {
  if (pos + 2 > limit) throw new DerError(`truncated DER at offset ${pos}`);
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-octet tag at offset ${pos}`);
  let len = buf[pos + 1]!;
  let body = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // Indefinite length (0x80) is BER, not DER; 4 length octets cover 4 GiB, more than any cap.
    if (n === 0 || n > 4) throw new DerError(`unsupported length form at offset ${pos}`);
    if (body + n > limit) throw new DerError(`truncated DER length at offset ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new DerError(`DER value at offset ${pos} runs past its container`);
  out.tag = tag;
  out.start = pos;
  out.body = body;
  out.end = end;
  return out;
}

/** Reads a TLV and insists on its tag (into `out` when given, as readTlvInto). */
export function expectTlv(buf: Uint8Array, pos: number, tag: number, limit = buf.length, what = 'value', out?: Tlv): Tlv {
  const t = out ? readTlvInto(buf, pos, limit, out) : readTlv(buf, pos, limit);
  if (t.tag !== tag) throw new DerError(`expected ${what} (tag 0x${tag.toString(16)}) at offset ${pos}, found tag 0x${t.tag.toString(16)}`);
  return t;
}

/** A Tlv to reuse with readTlvInto/expectTlv. */
export const scratchTlv = (): Tlv => ({ tag: 0, start: 0, body: 0, end: 0 });

/** The children of a constructed TLV. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.body; p < parent.end; ) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export const content = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.body, t.end);
export const whole = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);

/** Dotted OID from an OBJECT IDENTIFIER's content octets. */
export function oidString(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of bytes) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** INTEGER content octets as upper-case hex without the sign-padding zero octet (how serials compare). */
export function serialHex(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + i, bytes.length - i).toString('hex').toUpperCase();
}

/** Hex serial (any case, colons tolerated) in the form serialHex produces. */
export function normalizeSerial(hex: string): string {
  const clean = hex.replace(/[\s:]/g, '').toUpperCase();
  return (clean.length % 2 ? `0${clean}` : clean).replace(/^(?:00)+(?=..)/, '');
}

/** Small non-negative INTEGER/ENUMERATED content as a number (CRL numbers may be larger: see bigHex). */
export function smallInt(bytes: Uint8Array): number {
  return smallIntAt(bytes, 0, bytes.length);
}

/** smallInt over buf[start..end), without a view (the CRL entry loop reads one per entry). */
export function smallIntAt(buf: Uint8Array, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + buf[i]!;
  return v;
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z) to epoch ms (RFC 5280 §4.1.2.5). */
export function timeMs(buf: Uint8Array, t: Tlv): number {
  const b = t.body;
  let year: number;
  let o: number;
  if (t.tag === 0x17) {
    if (t.end - b < 13) throw new DerError(`short UTCTime at offset ${t.start}`);
    const yy = twoDigits(buf, b, t.start);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280: 50..99 are 19xx
    o = b + 2;
  } else if (t.tag === 0x18) {
    if (t.end - b < 15) throw new DerError(`short GeneralizedTime at offset ${t.start}`);
    year = twoDigits(buf, b, t.start) * 100 + twoDigits(buf, b + 2, t.start);
    o = b + 4;
  } else {
    throw new DerError(`expected a time at offset ${t.start}, found tag 0x${t.tag.toString(16)}`);
  }
  const s = t.start;
  return Date.UTC(year, twoDigits(buf, o, s) - 1, twoDigits(buf, o + 2, s), twoDigits(buf, o + 4, s), twoDigits(buf, o + 6, s), twoDigits(buf, o + 8, s));
}

/** Two ASCII digits at `i` (no closures: timeMs runs once per CRL entry). */
function twoDigits(buf: Uint8Array, i: number, tlvStart: number): number {
  const a = buf[i]! - 0x30;
  const b = buf[i + 1]! - 0x30;
  if (a < 0 || a > 9 || b < 0 || b > 9) throw new DerError(`bad digit in time at offset ${tlvStart}`);
  return a * 10 + b;
}

// Writer: just enough for an OCSP request (RFC 6960 §4.1).

export function lengthOctets(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthOctets(body.length), body]);
}

export const seq = (...parts: Uint8Array[]): Buffer => tlv(0x30, ...parts);
