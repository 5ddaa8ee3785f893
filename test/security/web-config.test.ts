// --web.config.file: TLS and basic auth on the agent's endpoints with real clients; strict validation, exit 2.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { createChain, type Chain } from '../../src/pki/index.js';
import { loadWebConfig } from '../../src/daemon/web-config.js';
import { ConfigError } from '../../src/config/index.js';
import { parseBasic } from '../../src/daemon/basic-auth.js';
import { runCli, tempFiles } from '../helpers/cli.js';
import { startRun, get, type InProcessAgent } from './in-process-agent.js';

let pki: Chain;
let other: Chain;
let dir: string;
// Cost 4 keeps the suite fast; production hashes use 10 or more.
const HASH = bcrypt.hashSync('s3cret pass', 4);

beforeAll(async () => {
  pki = await createChain({ names: ['localhost', '127.0.0.1'], reuseKeys: true });
  other = await createChain({ names: ['other.example.test'] });
  dir = tempFiles({
    'cert.pem': pki.chainPem,
    'key.pem': pki.leaf.keyPem,
    'other-key.pem': other.leaf.keyPem,
    'root.pem': pki.root.certPem,
    'targets.yaml': 'targets:\n  - { name: nothing, url: "smtp://127.0.0.1:1", timeout: 1s }\n',
    'web.yml': `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: ${HASH}\n`,
    'auth-only.yml': `basic_auth_users:\n  prometheus: ${HASH}\n`,
  });
});

describe('loadWebConfig: strict, every problem located', () => {
  async function issue(text: string): Promise<string> {
    const d = tempFiles({ 'web.yml': text, 'cert.pem': pki.chainPem, 'key.pem': pki.leaf.keyPem, 'other-key.pem': other.leaf.keyPem, 'not-a-cert.pem': 'hello\n' });
    const err = await loadWebConfig(join(d, 'web.yml')).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.replace(d, '<dir>');
  }

  it.each([
    ['an unknown top-level key', `basic_auth_user:\n  a: ${HASH}\n`, /web\.yml:1:1: basic_auth_user: unknown key \(did you mean `basic_auth_users`\?\)/],
    ['an unknown TLS key (client auth is not implemented)', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequireAndVerifyClientCert\n', /web\.yml:4:3: tls_server_config\.client_auth_type: unknown key/],
    ['a password instead of a hash', 'basic_auth_users:\n  prometheus: hunter2\n', /web\.yml:2:15: basic_auth_users\.prometheus: is not a bcrypt hash/],
    ['YAML syntax', 'basic_auth_users: [\n', /web\.yml:\d+:\d+: /],
    ['an unresolved alias (a crash before: the error came from toJS)', 'basic_auth_users: *nope\n', /web\.yml:1:19: /],
    ['a missing key file', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: nope.pem\n', /web\.yml:3:13: tls_server_config\.key_file: .*nope\.pem: not readable \(ENOENT\)/],
    ['a cert file that is no certificate', 'tls_server_config:\n  cert_file: not-a-cert.pem\n  key_file: key.pem\n', /web\.yml:2:14: tls_server_config\.cert_file: not-a-cert\.pem: contains no PEM certificate/],
    ['a key that does not match the certificate', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: other-key.pem\n', /tls_server_config\.key_file: other-key\.pem does not go with cert\.pem/],
    ['a bad TLS version', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS99\n', /tls_server_config\.min_version: expected "TLS10" or/],
    ['min above max', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\n  max_version: TLS12\n', /min_version TLS13 is above max_version TLS12/],
    ['max below the default min', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  max_version: TLS11\n', /web\.yml:4:\d+: tls_server_config\.max_version: min_version TLS12 \(the default\) is above max_version TLS11$/],
  ])('rejects %s', async (_what, text, expected) => {
    const message = await issue(text);
    expect(message).toMatch(expected);
    // Never the key material, whatever went wrong.
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('accepts an empty file (plain HTTP, no auth), as exporter-toolkit does', async () => {
    const w = await loadWebConfig(join(tempFiles({ 'web.yml': '' }), 'web.yml'));
    expect(w.tls).toBeNull();
    expect(w.users).toBeNull();
  });

  it('tlsprobe run exits 2 with file, line and field for an invalid web config', async () => {
    const bad = join(tempFiles({ 'web.yml': 'basic_auth_users:\n  prometheus: plain-text\n' }), 'web.yml');
    const r = await runCli(['run', '--config', join(dir, 'targets.yaml'), '--listen', '127.0.0.1:0', '--web.config.file', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/web\.yml:2:15: basic_auth_users\.prometheus: is not a bcrypt hash/);
  });

  it('parseBasic reads RFC 7617 credentials and refuses malformed ones', () => {
    expect(parseBasic(`Basic ${Buffer.from('u:p:w').toString('base64')}`)).toEqual({ user: 'u', password: 'p:w' });
    expect(parseBasic('Bearer x')).toBeNull();
    expect(parseBasic(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeNull();
    expect(parseBasic(undefined)).toBeNull();
  });
});

describe('the agent with TLS and basic auth', () => {
  let agent: InProcessAgent;
  beforeAll(async () => {
    agent = await startRun(['--config', join(dir, 'targets.yaml'), '--listen', '127.0.0.1:0', '--web.config.file', join(dir, 'web.yml'), '--log-level', 'debug']);
  }, 30_000);
  afterAll(async () => {
    expect(await agent?.stop()).toBe(0);
  }, 30_000);

  it('serves https with the configured certificate, to a client that trusts its CA', async () => {
    expect(agent.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(`${agent.url}/metrics`, { ca: pki.root.certPem, auth: 'prometheus:s3cret pass' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('tlsprobe_targets 1');
  });

  it('answers 401 with WWW-Authenticate: Basic without or with wrong credentials, on every path', async () => {
    for (const path of ['/metrics', '/-/healthy', '/-/ready', '/', '/probe?target=nothing']) {
      for (const auth of [undefined, 'prometheus:wrong', 'nobody:s3cret pass', 'prometheus:']) {
        const r = await get(`${agent.url}${path}`, { ca: pki.root.certPem, ...(auth ? { auth } : {}) });
        expect(r.status, `${path} ${auth}`).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Basic');
        expect(r.body).not.toContain('tlsprobe_');
      }
    }
  });

  it('accepts the right password again (from the cache) and still refuses a wrong one after it', async () => {
    for (let i = 0; i < 3; i++) expect((await get(`${agent.url}/-/healthy`, { ca: pki.root.certPem, auth: 'prometheus:s3cret pass' })).status).toBe(200);
    expect((await get(`${agent.url}/-/healthy`, { ca: pki.root.certPem, auth: 'prometheus:s3cret pasS' })).status).toBe(401);
  });

  it('refuses plain HTTP on the TLS port, and a client that does not trust the certificate', async () => {
    await expect(get(agent.url.replace('https:', 'http:') + '/metrics', { auth: 'prometheus:s3cret pass' })).rejects.toThrow();
    await expect(get(`${agent.url}/metrics`, { ca: other.root.certPem, auth: 'prometheus:s3cret pass' })).rejects.toThrow(/certificate/);
  });
});

describe('basic auth without TLS', () => {
  it('protects plain HTTP endpoints too', async () => {
    const agent = await startRun(['--config', join(dir, 'targets.yaml'), '--listen', '127.0.0.1:0', '--web.config.file', join(dir, 'auth-only.yml')]);
    try {
      expect(agent.url).toMatch(/^http:\/\//);
      expect((await get(`${agent.url}/metrics`)).status).toBe(401);
      expect((await get(`${agent.url}/metrics`, { auth: 'prometheus:s3cret pass' })).status).toBe(200);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  }, 30_000);
});
