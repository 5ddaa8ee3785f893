// Quotes what a peer sent, for error messages: truncated, with non-printable bytes escaped.

export function quote(input: string | Buffer, max = 120): string {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  let out = '';
  for (const ch of text.slice(0, max)) {
    const c = ch.charCodeAt(0);
    if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c > 0xff) out += `\\x${(c & 0xff).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `"${out}${text.length > max ? '…' : ''}"`;
}
