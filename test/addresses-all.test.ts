// `addresses: all`: every node behind a name is probed; one node with the old certificate fails the target.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { writeFileSync, rmSync } from 'node:fs';
import { startMailServer, type RunningServer } from '../src/demo/mail-server.js';
import { createChain, issueLeaf, type Chain, type Issued } from '../src/pki/index.js';
import { certInfoFromDer } from '../src/x509/cert-info.js';
import { checkCommand } from '../src/cli/check-cmd.js';
import { captureIo, tempFiles } from './helpers/cli.js';

let pki: Chain;
let renewed: Issued;
let nodeA: RunningServer;
let nodeB: RunningServer;
let dir: string;
// Injected instead of DNS: the tests never query a real resolver.
const resolver = async (host: string) => (host === 'mail.example.test' ? [{ address: '127.0.0.1' }, { address: '127.0.0.2' }] : []);

beforeAll(async () => {
  pki = await createChain({ names: ['mail.example.test'], reuseKeys: true });
  renewed = await issueLeaf(pki.intermediate, { subject: 'CN=mail.example.test', names: ['mail.example.test'], reuseKeys: true });
  nodeA = await startMailServer({ protocol: 'smtp', cert: renewed.certPem + pki.intermediate.certPem, key: renewed.keyPem, host: '127.0.0.1' });
  // Same port on another loopback address: the second node still has the old certificate.
  nodeB = await startMailServer({ protocol: 'smtp', cert: pki.chainPem, key: pki.leaf.keyPem, host: '127.0.0.2', port: nodeA.port });
  dir = tempFiles({ 'root.pem': pki.root.certPem });
});

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('addresses: all', () => {
  it('probes each address with the host name for SNI and checks; one row per address', async () => {
    const cfg = join(dir, 'targets.yaml');
    const thumb = certInfoFromDer(renewed.der, 0).thumbprint;
    writeFileSync(cfg, ['defaults:', '  ca: root.pem', '  system_ca: false', 'targets:', '  - name: mx', `    url: smtp://mail.example.test:${nodeA.port}`, '    addresses: all', `    expect: { thumbprint: "${thumb}" }`].join('\n'));
    const c = captureIo();
    const code = await checkCommand(['--config', cfg, '--json'], c.io, { resolver });
    expect(code).toBe(1);
    const rows = JSON.parse(c.out());
    expect(rows.map((r: { address: string }) => r.address)).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(rows.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
    expect(rows[1].servername).toBe('mail.example.test');
    expect(rows[1].checks.find((x: { id: string }) => x.id === 'expected').status).toBe('fail');
    expect(rows[0].checks.find((x: { id: string }) => x.id === 'name').status).toBe('pass');

    const table = captureIo();
    await checkCommand(['--config', cfg], table.io, { resolver });
    expect(table.out()).toContain('mx (127.0.0.2)');
    expect(table.out()).toMatch(/mx \(127\.0\.0\.2\): expected: presents/);
  });
});
