// Bounds-checked big-endian reader over a Buffer: every read returns null instead of running past the end.
export class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number | null {
    if (this.remaining < 1) return null;
    return this.buf[this.pos++] ?? null;
  }

  u16(): number | null {
    if (this.remaining < 2) return null;
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number | null {
    if (this.remaining < 3) return null;
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  /** The next n bytes as a view (no copy), or null when fewer remain. */
  bytes(n: number): Buffer | null {
    if (n < 0 || this.remaining < n) return null;
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A length-prefixed vector (RFC 8446 §3.4): the prefix is `lenBytes` wide. */
  vector(lenBytes: 1 | 2 | 3): Buffer | null {
    const n = lenBytes === 1 ? this.u8() : lenBytes === 2 ? this.u16() : this.u24();
    return n === null ? null : this.bytes(n);
  }
}
