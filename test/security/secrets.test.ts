// Secrets come from files and go nowhere else: not in logs, /metrics, the index page, /probe, or `check --json`.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { createChain, type Chain } from '../../src/pki/index.js';
import { startMailServer, type RunningServer } from '../../src/demo/mail-server.js';
import { runCli, tempFiles } from '../helpers/cli.js';
import { startRun, get } from './in-process-agent.js';

const PASSWORD = 'correct horse battery staple';
const LDAP_PASSWORD = 'ldap-bind-Pa55word-do-not-print';
const HASH = bcrypt.hashSync(PASSWORD, 4);

let pki: Chain;
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  pki = await createChain({ names: ['localhost', '127.0.0.1', 'mail.example.test'], reuseKeys: true });
  server = await startMailServer({ protocol: 'smtp', cert: pki.chainPem, key: pki.leaf.keyPem });
  dir = tempFiles({
    'cert.pem': pki.chainPem,
    'key.pem': pki.leaf.keyPem,
    'root.pem': pki.root.certPem,
    'ldap.pass': `${LDAP_PASSWORD}\n`,
    'web.yml': `tls_server_config: { cert_file: cert.pem, key_file: key.pem }\nbasic_auth_users:\n  prometheus: ${HASH}\n`,
    'targets.yaml': [
      'ldap: { url: "ldap://127.0.0.1:1", bind_dn: "CN=svc-tlsprobe,DC=example,DC=com", password_file: ldap.pass }',
      'defaults: { servername: mail.example.test, ca: [root.pem], system_ca: false, timeout: 3s }',
      'targets:',
      `  - { name: smtp, url: "smtp://127.0.0.1:${server.port}" }`,
      '  - { name: down, url: "smtp://127.0.0.1:1" }',
    ].join('\n'),
  });
  return () => server.close();
}, 30_000);

/** Every form in which a secret could leak: the hash and its salt, the key's PEM and its base64 lines, the password. */
function secrets(): Array<[string, string]> {
  const keyLines = pki.leaf.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  return [
    ['bcrypt hash', HASH],
    ['bcrypt salt', HASH.slice(7, 29)],
    ['basic-auth password', PASSWORD],
    ['LDAP bind password', LDAP_PASSWORD],
    ['PEM key marker', 'PRIVATE KEY'],
    ...keyLines.map((l, i): [string, string] => [`key line ${i}`, l]),
  ];
}

function expectClean(what: string, text: string): void {
  expect(text.length, `${what} is empty: the test would prove nothing`).toBeGreaterThan(0);
  for (const [name, secret] of secrets()) expect(text.includes(secret), `${name} found in ${what}`).toBe(false);
}

describe('secrets stay secret', () => {
  it('the agent logs, /metrics, /probe and the index page hold none of them', async () => {
    const agent = await startRun([
      '--config', join(dir, 'targets.yaml'), '--listen', '127.0.0.1:0', '--web.config.file', join(dir, 'web.yml'), '--log-level', 'debug',
    ]);
    const auth = `prometheus:${PASSWORD}`;
    try {
      const metrics = await get(`${agent.url}/metrics`, { ca: pki.root.certPem, auth });
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('tlsprobe_probe_success{target="smtp",address=""} 1');
      expectClean('/metrics', metrics.body);
      expectClean('/probe', (await get(`${agent.url}/probe?target=smtp`, { ca: pki.root.certPem, auth })).body);
      expectClean('/', (await get(`${agent.url}/`, { ca: pki.root.certPem, auth })).body);
      // A failed login and a failing target are logged paths too.
      expect((await get(`${agent.url}/metrics`, { ca: pki.root.certPem, auth: `prometheus:${PASSWORD}x` })).status).toBe(401);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    const logs = agent.stderr();
    expect(logs).toContain('"msg":"tlsprobe agent started"');
    expect(logs).toContain('"basicAuthUsers":1');
    expect(logs).toContain('"reason":"connect_refused"');
    expectClean('the logs', logs);
  }, 60_000);

  it('check --json and the table hold none of them', async () => {
    const json = await runCli(['check', '--config', join(dir, 'targets.yaml'), '--json']);
    expect(json.code).toBe(1); // `down` fails
    expect(JSON.parse(json.out)).toHaveLength(2);
    expectClean('check --json', json.out + json.err);
    const table = await runCli(['check', '--config', join(dir, 'targets.yaml')]);
    expectClean('check', table.out + table.err);
  });

  it('validate does not echo them back either', async () => {
    const r = await runCli(['validate', '--config', join(dir, 'targets.yaml')]);
    expect(r.code).toBe(0);
    expectClean('validate', r.out + r.err);
  });
});
