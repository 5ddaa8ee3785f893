// Pure parsers for SMTP replies (RFC 5321 §4.2) and the EHLO capability list (RFC 5321 §4.1.1.1).

export interface SmtpLine {
  code: number;
  /** True for the last line of a reply ("250 ..."), false for "250-...". */
  final: boolean;
  text: string;
}

export interface SmtpReply {
  code: number;
  lines: string[];
}

/** Parses one reply line; null when it is not of the form `NNN-text` / `NNN text` / `NNN`. */
export function parseSmtpLine(line: string): SmtpLine | null {
  const m = /^([2-5][0-5]\d)(?:([ -])(.*))?$/s.exec(line);
  if (!m) return null;
  return { code: Number(m[1]), final: m[2] !== '-', text: m[3] ?? '' };
}

export interface EhloInfo {
  /** The host name the server announces on the first line ("250-mail.example.com Hello [...]"). */
  host: string | null;
  /** Keyword (upper case) → parameters, e.g. { SIZE: ['37748736'], AUTH: ['NTLM', 'LOGIN'] }. */
  capabilities: Record<string, string[]>;
}

export function parseEhlo(texts: string[]): EhloInfo {
  const [first, ...rest] = texts;
  const capabilities: Record<string, string[]> = {};
  for (const text of rest) {
    const [keyword, ...params] = text.trim().split(/\s+/);
    if (!keyword) continue;
    // "AUTH=LOGIN" is an old variant some servers still send beside "AUTH LOGIN".
    const [kw, eqParam] = keyword.toUpperCase().split('=', 2) as [string, string | undefined];
    const list = (capabilities[kw] ??= []);
    for (const p of eqParam ? [eqParam, ...params] : params) if (!list.includes(p)) list.push(p);
  }
  return { host: firstWord(first), capabilities };
}

/** The host name a banner or EHLO greeting starts with (Exchange puts its connector FQDN there). */
export function firstWord(text: string | undefined): string | null {
  const w = text?.trim().split(/\s+/)[0];
  return w && /^[A-Za-z0-9.[\]:_-]+$/.test(w) ? w : null;
}
