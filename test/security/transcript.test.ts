// The probe never sends credentials or mail: what a tempting server receives is the fixed dialogue, nothing more.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Chain } from '../../src/pki/index.js';
import { testChain } from '../helpers/certs.js';
import { probe } from '../helpers/probe.js';
import { runCli, tempFiles } from '../helpers/cli.js';
import { recordingServer, type Proto, type Recorder } from './recording-server.js';

let chain: Chain;
const servers: Recorder[] = [];
beforeAll(async () => {
  chain = await testChain();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function record(proto: Proto, implicit = false): Promise<Recorder> {
  const s = await recordingServer(proto, chain.chainPem, chain.leaf.keyPem, implicit);
  servers.push(s);
  return s;
}

const FORBIDDEN = /^(AUTH|MAIL|RCPT|DATA|VRFY|EXPN|USER|PASS|APOP)\b|^\S+ (LOGIN|AUTHENTICATE|SELECT|EXAMINE)\b/i;

const CASES = [
  { scheme: 'smtp', proto: 'smtp', implicit: false, expected: ['EHLO probe.example.test', 'STARTTLS', 'EHLO probe.example.test', 'QUIT'] },
  { scheme: 'smtps', proto: 'smtp', implicit: true, expected: ['EHLO probe.example.test', 'QUIT'] },
  { scheme: 'imap', proto: 'imap', implicit: false, expected: ['a1 CAPABILITY', 'a2 STARTTLS', 'a3 CAPABILITY', 'a4 LOGOUT'] },
  { scheme: 'imaps', proto: 'imap', implicit: true, expected: ['a1 CAPABILITY', 'a2 LOGOUT'] },
  { scheme: 'pop3', proto: 'pop3', implicit: false, expected: ['CAPA', 'STLS', 'CAPA', 'QUIT'] },
  { scheme: 'pop3s', proto: 'pop3', implicit: true, expected: ['CAPA', 'QUIT'] },
] as const;

describe('no credentials, no mail', () => {
  it.each(CASES)('$scheme: the server receives exactly $expected', async ({ scheme, proto, implicit, expected }) => {
    const s = await record(proto, implicit);
    const r = await probe(`${scheme}://127.0.0.1:${s.port}`, { servername: 'mail.example.test' });
    expect(r.error).toBeNull();
    expect(s.received).toEqual(expected);
    expect(s.received.filter((l) => FORBIDDEN.test(l))).toEqual([]);
    // The result's own transcript says the same as the server's record.
    const details = r.smtp ?? r.imap ?? r.pop3;
    expect(details?.transcript).toEqual(expected);
  });

  it('the agent path (check with a config) sends the same dialogue, even with AUTH advertised after TLS', async () => {
    const smtp = await record('smtp');
    const imap = await record('imap');
    const pop3 = await record('pop3');
    const dir = tempFiles({ 'root.pem': chain.root.certPem });
    const config = join(dir, 'targets.yaml');
    writeFileSync(
      config,
      [
        'defaults: { servername: mail.example.test, ehlo: probe.example.test, ca: [root.pem], system_ca: false, timeout: 5s }',
        'targets:',
        `  - { name: smtp, url: "smtp://127.0.0.1:${smtp.port}" }`,
        `  - { name: imap, url: "imap://127.0.0.1:${imap.port}" }`,
        `  - { name: pop3, url: "pop3://127.0.0.1:${pop3.port}" }`,
      ].join('\n'),
    );
    const out = await runCli(['check', '--config', config, '--json']);
    expect(out.code, out.err).toBe(0);
    expect(smtp.received).toEqual(CASES[0].expected);
    expect(imap.received).toEqual(CASES[2].expected);
    expect(pop3.received).toEqual(CASES[4].expected);
  });
});
