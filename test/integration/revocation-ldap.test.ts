// End to end through runTarget: LDAP CDPs (with a host, and Enterprise-CA host-less ldap:///) served by a real slapd.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd, ldifForCrl, type SlapdInstance } from '../harness/slapd.js';
import { createCrl, createIntermediate, createRoot, issueLeaf, type Issued } from '../../src/pki/index.js';
import { startHttpsServer, type RunningServer } from '../../src/demo/mail-server.js';
import { parseConfig, resolveTargets } from '../../src/config/index.js';
import { runTarget } from '../../src/run/execute.js';
import { CrlCache } from '../../src/revocation/cache.js';
import { scripted, type Scripted } from '../helpers/scripted.js';

const SUFFIX = 'DC=example,DC=test';
const CDP = `CN=ca01,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,${SUFFIX}`;
const CA_DN = `CN=Test CA,${CDP}`;
const ROOT_DN = `CN=Test Root,${CDP}`;
const PASSWORD = 'never-print-me-4711';
const REVOKED_SERIAL = '0BADC0DE02';
const QUERY = '?certificateRevocationList?base?objectClass=cRLDistributionPoint';
/** How Microsoft CAs write it: spaces percent-encoded, the filter without parentheses. */
const ldapUrl = (host: string, dn: string): string => `ldap://${host}/${dn.replace(/ /g, '%20')}${QUERY}`;

let slapd: SlapdInstance;
let silent: Scripted;
let dir: string;
let ca: Issued;
const servers: RunningServer[] = [];
const urls: Record<string, string> = {};

async function endpoint(name: string, crlUrls: string[], serial?: string): Promise<void> {
  const leaf = await issueLeaf(ca, { subject: 'CN=mail.example.test', names: ['mail.example.test'], crlUrls, serial, reuseKeys: true });
  const s = await startHttpsServer({ cert: leaf.certPem + ca.certPem, key: leaf.keyPem });
  servers.push(s);
  urls[name] = `https://127.0.0.1:${s.port}`;
}

async function probe(name: string, top = '', extra = '') {
  const text = `${top}defaults: { ca: root.pem, system_ca: false }\ntargets:\n  - name: ${name}\n    url: ${urls[name]}\n${extra}`;
  const r = await runTarget(resolveTargets(parseConfig(text, join(dir, 'targets.yaml')))[0]!, { crlCache: new CrlCache() });
  expect(r.error).toBeNull();
  return { r, check: r.checks.find((c) => c.id === 'crl')!, leafCrls: r.revocation!.crls.filter((u) => u.certIndex === 0) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tlsprobe-revocation-ldap-'));
  const root = await createRoot({ subject: 'CN=LDAP Test Root', reuseKeys: true });
  // The CA certificate must name slapd's port, and slapd must hold the CA's CRL when it starts:
  // sign the CRL with a first certificate, then re-issue the same name and key with the CDP.
  const draft = await createIntermediate(root, { subject: 'CN=LDAP Test CA', reuseKeys: true });
  const caCrl = await createCrl(draft, { entries: [{ serial: REVOKED_SERIAL, reason: 5 }] });
  const rootCrl = await createCrl(root);
  slapd = await startSlapd({ suffix: SUFFIX, entries: ldifForCrl(CA_DN, caCrl.der, SUFFIX) + '\n' + ldifForCrl(ROOT_DN, rootCrl.der, SUFFIX) });
  ca = await createIntermediate(root, { subject: 'CN=LDAP Test CA', keys: draft.keys, crlUrls: [ldapUrl(`127.0.0.1:${slapd.port}`, ROOT_DN)] });
  silent = await scripted(() => {}); // accepts, never answers
  await writeFile(join(dir, 'root.pem'), root.certPem);
  await writeFile(join(dir, 'ldap.pass'), `${PASSWORD}\n`, { mode: 0o600 });
  await Promise.all([
    endpoint('host', [ldapUrl(`127.0.0.1:${slapd.port}`, CA_DN)]),
    endpoint('revoked', [ldapUrl(`127.0.0.1:${slapd.port}`, CA_DN)], REVOKED_SERIAL),
    endpoint('hostless', [ldapUrl('', CA_DN)]),
    endpoint('enterprise', [ldapUrl('', CA_DN), ldapUrl(`127.0.0.1:${slapd.port}`, CA_DN)]),
    endpoint('missing', [ldapUrl(`127.0.0.1:${slapd.port}`, `CN=Gone CA,${CDP}`)]),
    endpoint('silent', [ldapUrl(`127.0.0.1:${silent.port}`, CA_DN)]),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), silent?.close(), ...servers.map((s) => s.close())]);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('LDAP CDPs against slapd', () => {
  it('fetches certificateRevocationList;binary from an ldap://host/ CDP, for leaf and intermediate', async () => {
    const { r, check } = await probe('host');
    expect(check.status).toBe('pass');
    expect(r.revocation!.crls.map((u) => [u.transport, u.status, u.entries])).toEqual([['ldap', 'ok', 1], ['ldap', 'ok', 0]]);
  });

  it('finds a revoked certificate in an LDAP-published CRL', async () => {
    const { check } = await probe('revoked');
    expect(check).toMatchObject({ status: 'fail', message: expect.stringMatching(/^leaf is revoked since \S+ \(cessationOfOperation\) per CRL ldap:\/\/127\.0\.0\.1:\d+\/CN=Test%20CA,/) });
  });

  it('reports a host-less ldap:/// CDP as not_configured without a directory, and fetches it with `ldap.url`', async () => {
    const without = await probe('hostless');
    expect(without.leafCrls[0]).toMatchObject({ status: 'not_configured', reachable: false });
    expect(without.check.status).toBe('fail');
    expect(without.check.message).toMatch(/^CRL ldap:\/\/\/CN=Test%20CA,\S+ not configured: host-less ldap:\/\/\/ URL and no `ldap.url` configured/);
    expect((await probe('hostless', '', '    crl: { required: false }\n')).check.status).toBe('warn');
    const withDir = await probe('hostless', `ldap: { url: "${slapd.url}" }\n`);
    expect(withDir.leafCrls[0]).toMatchObject({ status: 'ok', entries: 1, transport: 'ldap' });
    expect(withDir.check.status).toBe('pass');
  });

  it('only warns when the host-less URL comes first but another CDP works (the Enterprise CA default)', async () => {
    const { check, leafCrls } = await probe('enterprise');
    expect(leafCrls.map((u) => u.status)).toEqual(['not_configured', 'ok']);
    expect(check).toMatchObject({ status: 'warn', message: expect.stringContaining('(another source works)') });
  });

  it('binds with the configured account and never reveals its password', async () => {
    const top = `ldap:\n  url: "${slapd.url}"\n  bind_dn: "cn=admin,${SUFFIX}"\n  password_file: ldap.pass\n`;
    const { r, leafCrls } = await probe('hostless', top);
    expect(leafCrls[0]).toMatchObject({ status: 'unreachable', error: expect.stringMatching(/bind as "cn=admin,DC=example,DC=test" to .* failed: invalid credentials/) });
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it('reports a missing entry as not_found and a silent server as unreachable, within the timeout', async () => {
    expect((await probe('missing')).leafCrls[0]).toMatchObject({ status: 'not_found', reachable: true, error: expect.stringContaining('CN=Gone CA') });
    const started = performance.now();
    const { leafCrls } = await probe('silent', '', '    crl: { timeout: 500ms }\n');
    expect(leafCrls[0]).toMatchObject({ status: 'unreachable', reachable: false });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
