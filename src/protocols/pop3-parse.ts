// Pure parsers for POP3 status lines (RFC 1939 §3) and CAPA (RFC 2449).
import { ProbeError } from '../probe/reasons.js';
import { quote } from '../probe/quote.js';
import { looksLikeText, otherProtocol } from './other-protocol.js';

export function parseStatus(line: string): { ok: boolean; text: string } | null {
  const m = /^(\+OK|-ERR)(?: (.*))?$/i.exec(line);
  return m ? { ok: m[1]!.toUpperCase() === '+OK', text: m[2] ?? '' } : null;
}

export function classifyPop3Greeting(line: string): 'ok' | ProbeError {
  const st = parseStatus(line);
  if (st?.ok) return 'ok';
  if (st) return new ProbeError('server_rejected', `server refused the session: ${quote(line)}`, 'greeting');
  const other = otherProtocol(line);
  if (other) return new ProbeError('protocol_mismatch', `expected a POP3 greeting, got ${other}: ${quote(line)}`, 'greeting');
  if (!looksLikeText(line)) return new ProbeError('protocol_error', `expected a POP3 greeting, got binary data: ${quote(line)}`, 'greeting');
  return new ProbeError('protocol_error', `malformed POP3 greeting: ${quote(line)}`, 'greeting');
}

/** A CAPA body line: "." ends the list; a leading dot is byte-stuffed. */
export function capaLine(line: string): { end: true } | { end: false; capability: string } {
  if (line === '.') return { end: true };
  return { end: false, capability: line.startsWith('..') ? line.slice(1) : line };
}
