// Durations in targets.yaml ("10s", "500ms", "1m30s", bare seconds) to milliseconds.

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ['h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|h|m|s)/y;

/**
 * Parses a duration to milliseconds (rounded to a whole millisecond).
 *
 * Accepts a number or numeric string (seconds: `10`, `0.5`), or a sequence of
 * `<number><unit>` parts with units `h`, `m`, `s`, `ms`, largest first and each
 * at most once: `10s`, `500ms`, `2m`, `1h`, `1m30s`, `1.5s`, `1m 30s`.
 * Units are case-sensitive (`M` is not minutes). Throws a RangeError on negative,
 * non-finite or unparseable input.
 */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return fromSeconds(v, String(v));
  if (typeof v !== 'string') throw new RangeError(`${describe(v)} is not a duration`);
  const text = v.trim();
  if (/^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/.test(text)) return fromSeconds(Number(text), v);
  if (text.startsWith('-')) throw new RangeError(`"${v}" is negative; durations must be >= 0`);
  let total = 0;
  let pos = 0;
  let lastRank = -1;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) throw new RangeError(`"${v}" is not a duration (expected e.g. 10s, 500ms, 2m, 1h, 1m30s)`);
    const unit = m[2] as Unit;
    const rank = ORDER.indexOf(unit);
    if (rank <= lastRank) throw new RangeError(`"${v}": units must go from largest to smallest, each at most once`);
    lastRank = rank;
    total += Number(m[1]) * UNIT_MS[unit];
    pos = PART.lastIndex;
    while (text[pos] === ' ') pos++;
  }
  if (pos === 0) throw new RangeError(`"${v}" is not a duration (expected e.g. 10s, 500ms, 2m)`);
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`"${v}" is too large`);
  return ms;
}

function fromSeconds(n: number, shown: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${shown} is not a finite number of seconds`);
  if (n < 0) throw new RangeError(`${shown} is negative; durations must be >= 0`);
  const ms = Math.round(n * 1000);
  if (!Number.isSafeInteger(ms)) throw new RangeError(`${shown} seconds is too large`);
  return ms;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

/** Formats milliseconds back into the shortest duration text (for messages). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}
