// A large HTTP body assembled from many small pieces (one per target and metric family), produced
// block by block as the socket drains: neither one huge string nor one write per piece (both were
// the slow part of a 10,000-target scrape), and memory bounded by a block, not the body.

/** A body whose length is known up front and whose bytes come in blocks. */
export interface PackedBody {
  length: number;
  blocks(): Iterable<Buffer>;
}

export const BLOCK_BYTES = 256 * 1024;

/** Collects pieces into fixed-size blocks; `take()` hands out a block once it is full. */
export class BlockPacker {
  private block = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private readonly full: Buffer[] = [];

  bytes(src: Buffer, start = 0, end = src.length): void {
    while (start < end) {
      const n = Math.min(end - start, BLOCK_BYTES - this.used);
      src.copy(this.block, this.used, start, start + n);
      this.used += n;
      start += n;
      if (this.used === BLOCK_BYTES) this.rotate();
    }
  }

  /** Whether a block is full: checking first spares an array per piece (130,000 pieces at 10,000 targets). */
  get ready(): boolean {
    return this.full.length > 0;
  }

  /** Full blocks so far (emptied by the call). */
  take(): Buffer[] {
    return this.full.splice(0);
  }

  /** The last, partly filled block. */
  rest(): Buffer[] {
    const out = this.take();
    if (this.used > 0) out.push(this.block.subarray(0, this.used));
    this.used = 0;
    return out;
  }

  private rotate(): void {
    this.full.push(this.block);
    this.block = Buffer.allocUnsafe(BLOCK_BYTES);
    this.used = 0;
  }
}
