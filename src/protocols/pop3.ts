// POP3: greeting, CAPA, STLS, handshake, CAPA again, QUIT (RFC 1939, RFC 2595). Never USER/PASS.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { Pop3Details } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import type { Driver } from './driver.js';
import { runCapabilityDialogue, type CapabilityProtocol } from './capability-dialogue.js';
import { capaLine, classifyPop3Greeting, parseStatus } from './pop3-parse.js';

async function status(s: Session, d: Pop3Details, cmd: string): Promise<{ ok: boolean; text: string }> {
  d.transcript.push(cmd);
  s.send(cmd);
  const line = await s.readLine('reply', 'timeout_reply', `${cmd} response`);
  const st = parseStatus(line);
  if (!st) throw new ProbeError('protocol_error', `malformed POP3 response to ${cmd}: ${quote(line)}`, s.phaseName);
  return st;
}

async function capa(s: Session, d: Pop3Details): Promise<string[]> {
  const st = await status(s, d, 'CAPA');
  if (!st.ok) return []; // CAPA is optional (RFC 2449); no list means no STLS either.
  const wait = s.wait('reply');
  const caps: string[] = [];
  for (;;) {
    const line = capaLine(await s.readLine('reply', 'timeout_reply', 'CAPA list', wait));
    if (line.end) return caps;
    caps.push(line.capability);
    if (caps.length >= s.target.limits.replyLines) {
      throw new ProbeError('too_many_lines', `POP3 CAPA list went on past ${s.target.limits.replyLines} lines`, s.phaseName);
    }
  }
}

const POP3: CapabilityProtocol = {
  verb: 'STLS',
  classifyGreeting: classifyPop3Greeting,
  capabilities: (s, d) => capa(s, d),
  greetingCapabilities: () => [],
  advertised: (caps) => caps.some((c) => /^STLS\b/i.test(c)),
  async upgrade(s, d) {
    const st = await status(s, d, 'STLS');
    return st.ok ? null : quote(`-ERR ${st.text}`);
  },
  goodbye: () => 'QUIT',
};

export const pop3Driver: Driver<Pop3Details> = {
  newDetails: () => ({ greeting: null, capabilities: [], capabilitiesTls: [], starttlsAdvertised: null, transcript: [] }),
  run: (s, d) => runCapabilityDialogue(s, d, POP3),
};
