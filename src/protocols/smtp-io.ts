// Reads one whole (multi-line) SMTP reply through a session, bounded in lines and time.
import { ProbeError, type Reason } from '../probe/reasons.js';
import type { Session, WaitKind } from '../probe/session.js';
import { quote } from '../probe/quote.js';
import { parseSmtpLine, type SmtpReply } from './smtp-reply.js';
import { looksLikeText, otherProtocol } from './other-protocol.js';

export async function readSmtpReply(s: Session, kind: WaitKind, timeoutReason: Reason, what: string): Promise<SmtpReply> {
  const wait = s.wait(kind);
  const lines: string[] = [];
  let code: number | null = null;
  for (;;) {
    const raw = await s.readLine(kind, timeoutReason, what, wait);
    const line = parseSmtpLine(raw);
    if (!line || (code !== null && line.code !== code)) {
      const other = lines.length === 0 ? otherProtocol(raw) : null;
      if (other) throw new ProbeError('protocol_mismatch', `expected an SMTP ${what}, got ${other}: ${quote(raw)}`, s.phaseName);
      if (!looksLikeText(raw)) throw new ProbeError('protocol_error', `expected an SMTP ${what}, got binary data: ${quote(raw)}`, s.phaseName);
      throw new ProbeError('protocol_error', `malformed SMTP ${what}: ${quote(raw)}`, s.phaseName);
    }
    code = line.code;
    lines.push(line.text);
    if (line.final) return { code, lines };
    if (lines.length >= s.target.limits.replyLines) {
      throw new ProbeError('too_many_lines', `SMTP ${what} went on past ${s.target.limits.replyLines} lines`, s.phaseName);
    }
  }
}
