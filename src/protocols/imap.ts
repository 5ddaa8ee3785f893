// IMAP: greeting, CAPABILITY, STARTTLS, handshake, CAPABILITY again, LOGOUT (RFC 9051, RFC 2595). Never LOGIN.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { ImapDetails } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import { sayGoodbye, type Driver } from './driver.js';
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

async function capability(s: Session, d: ImapDetails, tag: string): Promise<string[]> {
  const r = await tagged(s, d, tag, 'CAPABILITY');
  return r.untagged.flatMap((l) => parseImapCapabilities(l) ?? []);
}

export const imapDriver: Driver<ImapDetails> = {
  newDetails: () => ({ greeting: null, capabilities: [], capabilitiesTls: [], starttlsAdvertised: null, transcript: [] }),

  async run(s, d) {
    const implicit = s.target.url.implicitTls;
    const greeting = await s.phase('greeting', () => s.readLine('greeting', 'timeout_banner', 'greeting'));
    d.greeting = greeting;
    const verdict = classifyGreeting(greeting);
    if (verdict !== 'ok') throw verdict;

    if (implicit) {
      await s.phase('session', async () => {
        d.capabilitiesTls = await capability(s, d, 'a1');
        await sayGoodbye(s, 'a2 LOGOUT', d.transcript);
      });
      return;
    }
    await s.phase('starttls', async () => {
      d.capabilities = await capability(s, d, 'a1');
      if (d.capabilities.length === 0) d.capabilities = parseImapCapabilities(greeting) ?? [];
      d.starttlsAdvertised = d.capabilities.some((c) => c.toUpperCase() === 'STARTTLS');
      if (!d.starttlsAdvertised) {
        throw new ProbeError('starttls_not_advertised', `server did not advertise STARTTLS (capabilities: ${d.capabilities.join(' ') || 'none'})`, 'starttls');
      }
      const r = await tagged(s, d, 'a2', 'STARTTLS');
      if (r.status !== 'OK') throw new ProbeError('starttls_refused', `server answered STARTTLS with ${quote(`${r.status} ${r.text}`)}`, 'starttls');
    });
    await s.startTls();
    await s.phase('session', async () => {
      d.capabilitiesTls = await capability(s, d, 'a3');
      await sayGoodbye(s, 'a4 LOGOUT', d.transcript);
    });
  },
};
