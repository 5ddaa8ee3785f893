// The dialogue IMAP and POP3 share (RFC 2595): greeting, capabilities, STARTTLS/STLS, handshake,
// capabilities again, goodbye. Each protocol supplies only its commands and parsers.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { ImapDetails } from '../probe/result.js';
import { sayGoodbye } from './driver.js';

/** IMAP and POP3 results have the same shape. */
export type CapabilityDetails = ImapDetails;

export interface CapabilityProtocol {
  /** The upgrade command as the protocol spells it: STARTTLS (IMAP), STLS (POP3). */
  verb: string;
  classifyGreeting(line: string): 'ok' | ProbeError;
  /** Asks for the capability list; `tag` numbers the commands of one session (IMAP needs it). */
  capabilities(s: Session, d: CapabilityDetails, tag: string): Promise<string[]>;
  /** Capabilities the greeting already carried, used when the command yields none. */
  greetingCapabilities(greeting: string): string[];
  advertised(capabilities: string[]): boolean;
  /** Sends the upgrade command; null when the server agreed, else its answer for the message. */
  upgrade(s: Session, d: CapabilityDetails, tag: string): Promise<string | null>;
  goodbye(tag: string): string;
}

export async function runCapabilityDialogue(s: Session, d: CapabilityDetails, p: CapabilityProtocol): Promise<void> {
  let n = 0;
  const tag = (): string => `a${++n}`;
  const greeting = await s.phase('greeting', () => s.readLine('greeting', 'timeout_banner', 'greeting'));
  d.greeting = greeting;
  const verdict = p.classifyGreeting(greeting);
  if (verdict !== 'ok') throw verdict;

  if (!s.target.url.implicitTls) {
    await s.phase('starttls', async () => {
      d.capabilities = await p.capabilities(s, d, tag());
      if (d.capabilities.length === 0) d.capabilities = p.greetingCapabilities(greeting);
      d.starttlsAdvertised = p.advertised(d.capabilities);
      if (!d.starttlsAdvertised) {
        throw new ProbeError('starttls_not_advertised', `server did not advertise ${p.verb} (capabilities: ${d.capabilities.join(' ') || 'none'})`, 'starttls');
      }
      const refused = await p.upgrade(s, d, tag());
      if (refused !== null) throw new ProbeError('starttls_refused', `server answered ${p.verb} with ${refused}`, 'starttls');
    });
    await s.startTls();
  }
  await s.phase('session', async () => {
    d.capabilitiesTls = await p.capabilities(s, d, tag());
    await sayGoodbye(s, p.goodbye(tag()), d.transcript);
  });
}
