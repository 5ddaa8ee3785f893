// The agent loads targets.yaml on a worker thread (start and SIGHUP): the same Config and the same
// ConfigError as loadConfigFile, Secrets included (uses the built dist/: workers need JavaScript).
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testChain } from './helpers/certs.js';
import { tempFiles } from './helpers/cli.js';

// Everything from dist/, so that classes (ConfigError, Secret) are the loader's own.
const dist = (p: string): string => new URL(`../dist/${p}`, import.meta.url).href;
let loadConfigOffThread: typeof import('../src/config/load-off-thread.js')['loadConfigOffThread'];
let loadConfigFile: typeof import('../src/config/index.js')['loadConfigFile'];
let ConfigError: typeof import('../src/config/index.js')['ConfigError'];
let Secret: typeof import('../src/revocation/secret.js')['Secret'];
type ConfigError = import('../src/config/index.js').ConfigError;
type Secret = import('../src/revocation/secret.js').Secret;
let dir: string;

const CONFIG = `
concurrency: 8
ldap:
  url: ldap://dc01.example.com:389
  bind_dn: "CN=svc-tlsprobe,OU=Service,DC=example,DC=com"
  password_file: ldap.pass
defaults:
  timeout: 5s
  ca: root.pem
  expect: { fqdn: mail.example.com }
targets:
  - { name: mx1, url: "smtp://mx1.example.com:25", expect: { thumbprint: "${'AB'.repeat(20)}" } }
  - name: owa
    url: https://mail.example.com/owa/healthcheck.htm
    schedule: "*/5 * * * *"
    crl: { check: false }
`;

beforeAll(async () => {
  expect(existsSync(new URL(dist('config/load-worker.js'))), 'dist/ missing: run npm run build (npm test does)').toBe(true);
  ({ loadConfigOffThread } = (await import(dist('config/load-off-thread.js'))) as typeof import('../src/config/load-off-thread.js'));
  ({ loadConfigFile, ConfigError } = (await import(dist('config/index.js'))) as typeof import('../src/config/index.js'));
  ({ Secret } = (await import(dist('revocation/secret.js'))) as typeof import('../src/revocation/secret.js'));
  const chain = await testChain();
  dir = tempFiles({ 'targets.yaml': CONFIG, 'ldap.pass': 's3cret-pw\n', 'root.pem': chain.root.certPem, 'bad.yaml': `${CONFIG}  - { name: x, url: "smtp://x:25", timeout: soon }\n`, 'crash.mjs': "throw new Error('broken build');\n", 'hang.mjs': 'setInterval(() => {}, 1000);\n' });
});

describe('loadConfigOffThread', () => {
  it('returns what loadConfigFile returns, the LDAP password still a Secret', async () => {
    const path = join(dir, 'targets.yaml');
    const here = await loadConfigFile(path);
    const there = await loadConfigOffThread(path);
    expect(there).toEqual(here);
    expect(JSON.stringify(there)).toBe(JSON.stringify(here));
    const secret = (there as unknown as { ldap: { passwordFile: unknown } }).ldap.passwordFile;
    expect(secret).toBeInstanceOf(Secret);
    expect((secret as Secret).reveal()).toBe('s3cret-pw');
    expect(JSON.stringify(there)).not.toContain('s3cret-pw');
  });

  it('throws the same ConfigError, with file, line and field', async () => {
    const path = join(dir, 'bad.yaml');
    const here = await loadConfigFile(path).catch((e: unknown) => e);
    const there = await loadConfigOffThread(path).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(ConfigError);
    expect(there).toBeInstanceOf(ConfigError);
    expect((there as ConfigError).issues).toEqual((here as ConfigError).issues);
    expect((there as ConfigError).issues[0]).toMatchObject({ file: path, line: 17, path: 'targets[2].timeout' });
    const missing = await loadConfigOffThread(join(dir, 'nope.yaml')).catch((e: unknown) => e);
    expect((missing as ConfigError).issues[0]!.message).toMatch(/cannot read config file \(ENOENT\)/);
  });

  it('turns a loader thread that dies into a ConfigError about the file, not a crash', async () => {
    const path = join(dir, 'targets.yaml');
    const err = await loadConfigOffThread(path, { script: join(dir, 'crash.mjs') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/targets\.yaml: could not be loaded: broken build/);
  });

  it('gives up on a loader that never answers (a FIFO, a hung mount): a ConfigError after the bound', async () => {
    const path = join(dir, 'targets.yaml');
    const t0 = Date.now();
    const err = await loadConfigOffThread(path, { script: join(dir, 'hang.mjs'), timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/targets\.yaml: could not be loaded: not read and checked within 0\.3 s/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
