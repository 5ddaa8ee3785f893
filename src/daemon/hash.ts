// Stable hashing of target names: the same name lands on the same shard and jitter on every agent and restart.

/** FNV-1a, 32 bits. Not cryptographic; only needs to spread names evenly and never change. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface Shard {
  /** 1-based, as written on the command line (`--shard 2/3`). */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index >= 1 && index <= count && count <= 1024 ? { index, count } : null;
}

export function inShard(name: string, shard: Shard | null): boolean {
  return !shard || fnv1a(name) % shard.count === shard.index - 1;
}

/** Where in the jitter window a target starts: a fraction in [0, 1), fixed per name. */
export function jitterFraction(name: string): number {
  return fnv1a(name, 0x9747b28c) / 2 ** 32;
}
