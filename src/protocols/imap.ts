// IMAP: greeting, CAPABILITY, STARTTLS, handshake, CAPABILITY again, LOGOUT (RFC 9051, RFC 2595). Never LOGIN.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { ImapDetails } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import type { Driver } from './driver.js';
import { runCapabilityDialogue, type CapabilityProtocol } from './capability-dialogue.js';
import { classifyGreeting, parseImapCapabilities, parseTagged } from './imap-parse.js';

async function tagged(s: Session, d: ImapDetails, tag: string, cmd: string): Promise<{ status: string; text: string; untagged: string[] }> {
  d.transcript.push(`${tag} ${cmd}`);
  s.send(`${tag} ${cmd}`);
  const wait = s.wait('reply');
  const untagged: string[] = [];
  for (;;) {
    const line = await s.readLine('reply', 'timeout_reply', `${cmd} response`, wait);
    const t = parseTagged(line, tag);
    if (t) return { ...t, untagged };
    if (!line.startsWith('* ')) throw new ProbeError('protocol_error', `unexpected IMAP line: ${quote(line)}`, s.phaseName);
    untagged.push(line);
    if (untagged.length >= s.target.limits.replyLines) {
      throw new ProbeError('too_many_lines', `IMAP ${cmd} response went on past ${s.target.limits.replyLines} lines`, s.phaseName);
    }
  }
}

async function capabilities(s: Session, d: ImapDetails, tag: string): Promise<string[]> {
  const r = await tagged(s, d, tag, 'CAPABILITY');
  return r.untagged.flatMap((l) => parseImapCapabilities(l) ?? []);
}

const IMAP: CapabilityProtocol = {
  verb: 'STARTTLS',
  classifyGreeting,
  capabilities,
  greetingCapabilities: (greeting) => parseImapCapabilities(greeting) ?? [],
  advertised: (caps) => caps.some((c) => c.toUpperCase() === 'STARTTLS'),
  async upgrade(s, d, tag) {
    const r = await tagged(s, d, tag, 'STARTTLS');
    return r.status === 'OK' ? null : quote(`${r.status} ${r.text}`);
  },
  goodbye: (tag) => `${tag} LOGOUT`,
};

export const imapDriver: Driver<ImapDetails> = {
  newDetails: () => ({ greeting: null, capabilities: [], capabilitiesTls: [], starttlsAdvertised: null, transcript: [] }),
  run: (s, d) => runCapabilityDialogue(s, d, IMAP),
};
