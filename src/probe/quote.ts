// Quotes what a peer sent, for error messages: truncated, with non-printable bytes escaped.

/**
 * Lines are read as latin1 (one char per byte), so chars up to 0xff are the server's bytes: only
 * printable ASCII is shown as is, every other byte as \xNN, so a message never shows mojibake or
 * hides a control byte. Decoded text (an HTTP body) may hold chars above 0xff: \u{...}.
 */
export function quote(input: string | Buffer, max = 120): string {
  const text = typeof input === 'string' ? input : input.toString('latin1', 0, Math.min(input.length, max + 1));
  const total = input.length;
  let out = '';
  let taken = 0;
  for (const ch of text) {
    if (taken >= max) break;
    taken += ch.length;
    const c = ch.codePointAt(0)!;
    if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c <= 0xff) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += `\\u{${c.toString(16)}}`;
  }
  return `"${out}${total > taken ? '…' : ''}"`;
}

/** True when bytes (or a latin1 line) hold a control character other than tab, CR and LF: not text. */
export function hasControlBytes(input: string | Buffer): boolean {
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const c = typeof input === 'string' ? input.charCodeAt(i) : input[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
