// Recognises a greeting of another protocol, so a probe on the wrong port says so instead of "protocol error".

const SIGNATURES: Array<[RegExp, string]> = [
  [/^HTTP\/\d/i, 'an HTTP response'],
  [/^(GET|POST|HEAD) /i, 'an HTTP request'],
  [/^SSH-\d/, 'an SSH banner'],
  [/^\* (OK|PREAUTH|BYE)\b/i, 'an IMAP greeting'],
  [/^\+OK\b/i, 'a POP3 greeting'],
  [/^220[ -]/, 'an SMTP or FTP banner'],
  [/^\x16\x03[\x00-\x04]/, 'a TLS record (is this an implicit-TLS port?)'],
  [/^\x15\x03[\x00-\x04]/, 'a TLS alert (is this an implicit-TLS port?)'],
  [/^<!DOCTYPE|^<html/i, 'an HTML page'],
];

export function otherProtocol(line: string): string | null {
  for (const [re, what] of SIGNATURES) if (re.test(line)) return what;
  return null;
}

/** True when the text is mostly printable ASCII; binary garbage is a protocol error, not a mismatch. */
export function looksLikeText(line: string): boolean {
  if (line.length === 0) return true;
  let printable = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x09) printable++;
  }
  return printable / line.length > 0.9;
}
