// Pure parsers for the IMAP lines a probe reads: greeting, CAPABILITY, tagged status (RFC 9051 §7.1).
import { ProbeError } from '../probe/reasons.js';
import { quote } from '../probe/quote.js';
import { looksLikeText, otherProtocol } from './other-protocol.js';

/** 'ok', or the ProbeError that the greeting means. */
export function classifyGreeting(line: string): 'ok' | ProbeError {
  if (/^\* (OK|PREAUTH)\b/i.test(line)) return 'ok';
  if (/^\* BYE\b/i.test(line)) return new ProbeError('server_rejected', `server refused the session: ${quote(line)}`, 'greeting');
  const other = otherProtocol(line);
  if (other) return new ProbeError('protocol_mismatch', `expected an IMAP greeting, got ${other}: ${quote(line)}`, 'greeting');
  if (!looksLikeText(line)) return new ProbeError('protocol_error', `expected an IMAP greeting, got binary data: ${quote(line)}`, 'greeting');
  return new ProbeError('protocol_error', `malformed IMAP greeting: ${quote(line)}`, 'greeting');
}

/** Capabilities from "* CAPABILITY ..." or a "[CAPABILITY ...]" response code; null when the line has none. */
export function parseImapCapabilities(line: string): string[] | null {
  const m = /^\* CAPABILITY (.*)$/i.exec(line) ?? /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  return m ? m[1]!.trim().split(/\s+/).filter(Boolean) : null;
}

/** The tagged completion line for `tag`, or null when the line is something else. */
export function parseTagged(line: string, tag: string): { status: 'OK' | 'NO' | 'BAD'; text: string } | null {
  if (!line.startsWith(`${tag} `)) return null;
  const m = /^(OK|NO|BAD)\b ?(.*)$/i.exec(line.slice(tag.length + 1));
  if (!m) return { status: 'BAD', text: line.slice(tag.length + 1) };
  return { status: m[1]!.toUpperCase() as 'OK' | 'NO' | 'BAD', text: m[2] ?? '' };
}
