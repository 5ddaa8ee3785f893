// O(1) lookup of revoked serials in typed arrays: a million entries in ~35 MB instead of a million JS objects.
import { normalizeSerial } from './der.js';

export interface RevokedEntry {
  /** Epoch ms of revocationDate. */
  revokedAt: number;
  /** RFC 5280 §5.3.1 CRLReason code, null when the entry has none. */
  reason: number | null;
}

const EMPTY = 0;

// Every probe looks the same few serials up again (its chain's, in one or two CRLs each): their key
// bytes are remembered instead of normalised and decoded per lookup. Emptied when full.
const KEY_MEMO_LIMIT = 4096;
const keyMemo = new Map<string, Buffer>();

function serialKey(serialHex: string): Buffer {
  let key = keyMemo.get(serialHex);
  if (!key) {
    if (keyMemo.size >= KEY_MEMO_LIMIT) keyMemo.clear();
    key = Buffer.from(normalizeSerial(serialHex), 'hex');
    keyMemo.set(serialHex, key);
  }
  return key;
}

/**
 * Open-addressing hash table keyed by the serial's magnitude octets (sign padding stripped, so
 * `00 80` and `80` are one key). Keys live back to back in one byte array; a Map of hex strings
 * would cost ~80 bytes per entry before the values.
 */
export class SerialIndex {
  private keys: Uint8Array;
  private keyLen = 0;
  private offsets: Uint32Array;
  private dates: Float64Array;
  private reasons: Int8Array;
  private table: Uint32Array;
  private count = 0;

  /** Sized up front (the parser counts first): growing means rehashing, a long synchronous stretch. */
  constructor(expected = 16, keyBytes = expected * 16) {
    const cap = Math.max(16, expected);
    this.keys = new Uint8Array(Math.max(16, keyBytes));
    this.offsets = new Uint32Array(cap + 1);
    this.dates = new Float64Array(cap);
    this.reasons = new Int8Array(cap);
    this.table = new Uint32Array(tableSizeFor(cap));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the typed arrays (what the cache accounts for). */
  get byteSize(): number {
    return this.keys.byteLength + this.offsets.byteLength + this.dates.byteLength + this.reasons.byteLength + this.table.byteLength;
  }

  /** Adds buf[start..end) (INTEGER content octets); a duplicate serial keeps its first entry. */
  add(buf: Uint8Array, start: number, end: number, revokedAt: number, reason: number | null): boolean {
    while (start < end - 1 && buf[start] === 0) start++;
    const h = hash(buf, start, end);
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = this.table[slot]!;
      if (v === EMPTY) {
        this.store(buf, start, end, revokedAt, reason);
        this.table[slot] = this.count;
        if (this.count * 2 > this.table.length) this.rehash(this.table.length * 2);
        return true;
      }
      if (this.equals(v - 1, buf, start, end)) return false;
    }
  }

  /** The entry for a hex serial (any case, sign padding tolerated), or null. */
  get(serialHex: string): RevokedEntry | null {
    const key = serialKey(serialHex);
    let start = 0;
    while (start < key.length - 1 && key[start] === 0) start++;
    const mask = this.table.length - 1;
    for (let slot = hash(key, start, key.length) & mask; ; slot = (slot + 1) & mask) {
      const v = this.table[slot]!;
      if (v === EMPTY) return null;
      if (this.equals(v - 1, key, start, key.length)) {
        const r = this.reasons[v - 1]!;
        return { revokedAt: this.dates[v - 1]!, reason: r < 0 ? null : r };
      }
    }
  }

  /** Trims spare capacity (left by duplicates or a bad size guess) so a cached index holds only what it needs. */
  compact(): void {
    // Keys on their own: sized from the raw serials, they also hold the sign octets add() strips.
    if (this.keys.length > this.keyLen) this.keys = this.keys.slice(0, this.keyLen);
    if (this.offsets.length > this.count + 1) {
      this.offsets = this.offsets.slice(0, this.count + 1);
      this.dates = this.dates.slice(0, this.count);
      this.reasons = this.reasons.slice(0, this.count);
    }
    const want = tableSizeFor(this.count);
    if (want * 2 < this.table.length) this.rehash(want);
  }

  private store(buf: Uint8Array, start: number, end: number, revokedAt: number, reason: number | null): void {
    const n = this.count;
    const len = end - start;
    if (n + 1 >= this.offsets.length) {
      this.offsets = grow(this.offsets, this.offsets.length * 2);
      this.dates = grow(this.dates, this.offsets.length);
      this.reasons = grow(this.reasons, this.offsets.length);
    }
    if (this.keyLen + len > this.keys.length) this.keys = grow(this.keys, Math.max(this.keys.length * 2, this.keyLen + len));
    this.keys.set(buf.subarray(start, end), this.keyLen);
    this.keyLen += len;
    this.offsets[n + 1] = this.keyLen;
    this.dates[n] = revokedAt;
    this.reasons[n] = reason === null || reason > 127 ? -1 : reason;
    this.count = n + 1;
  }

  private equals(i: number, buf: Uint8Array, start: number, end: number): boolean {
    const a = this.offsets[i]!;
    const b = this.offsets[i + 1]!;
    if (b - a !== end - start) return false;
    for (let k = 0; k < b - a; k++) if (this.keys[a + k] !== buf[start + k]) return false;
    return true;
  }

  private rehash(size: number): void {
    const table = new Uint32Array(size);
    const mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = hash(this.keys, this.offsets[i]!, this.offsets[i + 1]!) & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    this.table = table;
  }
}

/** FNV-1a: serials are random or sequential octets, both spread well. */
function hash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

function tableSizeFor(n: number): number {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
}

function grow<T extends Uint8Array | Uint32Array | Float64Array | Int8Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}
