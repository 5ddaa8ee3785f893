// TLS 1.3 session tickets: when the client speaks first after the handshake, it waits up to about a
// round trip for them (see Session.ticketsOrRtt); that wait counts in the phase of that first
// command, not as handshake time, and there is none when nobody speaks first. Against
// `openssl s_server -num_tickets 0`, a TLS 1.3 server that sends no tickets: the wait runs to its cap.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { Session } from '../src/probe/session.js';
import { Deadline } from '../src/probe/deadline.js';
import { connectTcp } from '../src/probe/connect.js';
import type { Phase } from '../src/probe/reasons.js';
import type { Timings } from '../src/probe/result.js';
import { DRIVERS } from '../src/protocols/registry.js';
import type { Driver } from '../src/protocols/driver.js';
import { testChain } from './helpers/certs.js';
import { testTarget } from './helpers/probe.js';
import { freePort } from './harness/ports.js';
import { ServerProcess, withPortRetry } from './harness/servers.js';
import { makeTempDir, writeFileMode } from './harness/tmp.js';

let server: ServerProcess;
let port: number;

beforeAll(async () => {
  const chain = await testChain();
  server = await withPortRetry(async () => {
    const dir = await makeTempDir('s_server');
    await writeFileMode(join(dir, 'chain.pem'), chain.chainPem);
    await writeFileMode(join(dir, 'key.pem'), chain.leaf.keyPem);
    port = await freePort();
    const sp = ServerProcess.start({
      name: 'openssl s_server',
      command: 'openssl',
      args: ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', join(dir, 'chain.pem'), '-key', join(dir, 'key.pem'), '-tls1_3', '-num_tickets', '0', '-quiet'],
      dir,
      stopTimeoutMs: 2000,
    });
    await sp.waitReady('127.0.0.1', [port]);
    return sp;
  });
}, 30_000);
afterAll(() => server?.stop());

/** One handshake through a Session, as if the server were far away (connect 200 ms: the wait is then at its 100 ms cap). */
async function handshake(next: Phase | null): Promise<Timings> {
  const target = testTarget(`tls://127.0.0.1:${port}`, { servername: 'mail.example.test' });
  const deadline = new Deadline(5000);
  const timings: Timings = { connect: 200 };
  const s = new Session(target, await connectTcp('127.0.0.1', port, 5000), deadline, timings);
  try {
    const captured = await s.startTls(undefined, next);
    expect(captured.tls.protocol).toBe('TLSv1.3');
  } finally {
    s.close();
    deadline.clear();
  }
  return timings;
}

describe('waiting for TLS 1.3 session tickets', () => {
  it('counts in the phase of the first command after the handshake, and not at all when nobody speaks first', async () => {
    const commandNext = await handshake('session');
    expect(commandNext.session).toBeGreaterThanOrEqual(95);
    expect(commandNext.handshake).toBeGreaterThan(0);
    const nobodySpeaks = await handshake(null);
    expect(nobodySpeaks.session).toBeUndefined();
    expect(nobodySpeaks.handshake).toBeGreaterThan(0);
  });

  it('implicit TLS: only an https target with a path speaks first (its GET, in the http phase); greeting protocols and tls:// do not', () => {
    const phase = (url: string): Phase | null => {
      const t = testTarget(url);
      return (DRIVERS[t.url.protocol] as Driver<unknown>).clientFirstPhase?.(t) ?? null;
    };
    expect(phase('https://mail.example.test/owa/healthcheck.htm')).toBe('http');
    expect(phase('https://mail.example.test')).toBeNull();
    expect(phase('smtps://mail.example.test')).toBeNull();
    expect(phase('imaps://mail.example.test')).toBeNull();
    expect(phase('pop3s://mail.example.test')).toBeNull();
    expect(phase('tls://mail.example.test:636')).toBeNull();
  });
});
