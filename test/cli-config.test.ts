// Every invalid config makes `check`, `run` and `validate` exit 2 with one clear error naming file, line and field.
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { truncateSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { main } from '../src/cli/main.js';
import { captureIo, runCli, tempFiles } from './helpers/cli.js';
import { testChain } from './helpers/certs.js';

const T = (extra: string, url = 'smtp://127.0.0.1:1'): string => `targets:\n  - name: a\n    url: ${url}\n${extra}`;

/** [what, config text, expected "file:line:col: field" prefix, message fragment]. */
const CASES: Array<[string, string, RegExp, RegExp]> = [
  ['YAML syntax', 'targets:\n  - name: a\n    url: [smtp://x\n', /t\.yaml:4:1: /, /Flow sequence/],
  ['an unknown key', T('    sevrername: mail.example.com\n'), /t\.yaml:4:5: targets\[0\]\.sevrername: /, /unknown key \(did you mean `servername`\?\)/],
  ['a wrong type', T('    system_ca: yes\n'), /t\.yaml:4:16: targets\[0\]\.system_ca: /, /expected true or false, got "yes"/],
  ['a bad URL', T('', '"smtp://exa mple"'), /t\.yaml:3:10: targets\[0\]\.url: /, /white space/],
  ['an unknown scheme', T('', 'ldaps://dc01.example.com'), /t\.yaml:3:10: targets\[0\]\.url: /, /unknown scheme "ldaps"/],
  ['a bad cron schedule', T('    schedule: "61 * * * *"\n'), /t\.yaml:4:15: targets\[0\]\.schedule: /, /is not a cron schedule/],
  ['a duplicate target name', T('  - name: a\n    url: smtp://127.0.0.1:2\n'), /t\.yaml:4:11: targets\[1\]\.name: /, /duplicate target name "a"/],
  ['an unreadable CA file', T('    ca: [missing.pem]\n'), /t\.yaml:4:10: targets\[0\]\.ca\[0\]: /, /missing\.pem: not readable \(ENOENT\)/],
  ['a CA file that is no certificate', T('    ca: [notcert.pem]\n'), /t\.yaml:4:10: targets\[0\]\.ca\[0\]: /, /notcert\.pem: contains no PEM certificate/],
  ['a DER CA file', T('    ca: [root.der]\n'), /t\.yaml:4:10: targets\[0\]\.ca\[0\]: /, /looks DER-encoded/],
  ['a malformed thumbprint', T('    expect: { thumbprint: "ABC" }\n'), /t\.yaml:4:27: targets\[0\]\.expect\.thumbprint: /, /is not a SHA-1 \(40 hex\) or SHA-256/],
  ['a malformed TlsCertificateName', T('    expect: { tls_certificate_name: "CN=foo" }\n'), /t\.yaml:4:37: targets\[0\]\.expect\.tls_certificate_name: /, /<I>issuer DN<S>subject DN/],
  ['a negative timeout', T('    timeout: -5s\n'), /t\.yaml:4:14: targets\[0\]\.timeout: /, /is negative/],
  ['an empty file', '', /t\.yaml:1:1: /, /the file is empty/],
];

let dir: string;
beforeAll(async () => {
  const chain = await testChain();
  dir = tempFiles({ 'notcert.pem': 'not a certificate\n' });
  writeFileSync(join(dir, 'root.der'), chain.root.der);
});

/**
 * Runs a command in-process. `run` blocks until a signal once it has started, so a config it
 * wrongly accepted must not hang the suite: after 10 s it is stopped and the test fails.
 */
async function cli(argv: string[]): Promise<{ code: number; err: string }> {
  const c = captureIo();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      process.emit('SIGTERM');
      resolve(-1);
    }, 10_000);
  });
  try {
    const code = await Promise.race([main(argv, c.io), hung]);
    return { code, err: c.err() };
  } finally {
    clearTimeout(timer);
  }
}

describe.each(['check', 'run', 'validate'] as const)('tlsprobe %s with an invalid config', (command) => {
  it.each(CASES)('%s: exit 2, file:line:col and field', async (_what, text, where, message) => {
    const file = join(dir, 't.yaml');
    writeFileSync(file, text);
    const extra = command === 'run' ? ['--listen', '127.0.0.1:0'] : [];
    const r = await cli([command, '--config', file, ...extra]);
    expect(r.code, r.err).toBe(2);
    const lines = r.err.split('\n').filter(Boolean);
    expect(lines[0]).toBe(`tlsprobe ${command}: invalid configuration`);
    // One clear error: the located line, nothing else (no stack trace).
    expect(lines).toHaveLength(2);
    const [line] = lines.slice(1);
    expect(line!.startsWith(dir)).toBe(true);
    expect(line).toMatch(where);
    expect(line).toMatch(message);
  });
});

describe('other inputs that must be clear errors', () => {
  it('a missing config file: exit 2 naming the file', async () => {
    for (const command of ['check', 'run', 'validate']) {
      const r = await cli([command, '--config', join(dir, 'absent.yaml'), ...(command === 'run' ? ['--listen', '127.0.0.1:0'] : [])]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${join(dir, 'absent.yaml')}: cannot read config file (ENOENT)`);
    }
  });

  it('probe --ca with a file that is no certificate: exit 2, no stack trace', async () => {
    for (const [file, message] of [
      ['notcert.pem', 'contains no PEM certificate'],
      ['root.der', 'contains no PEM certificate (it looks DER-encoded'],
      ['absent.pem', 'not readable (ENOENT)'],
    ] as const) {
      const r = await runCli(['probe', 'smtp://127.0.0.1:1', '--ca', join(dir, file)]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--ca ${join(dir, file)}: ${message}`);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a bad --timeout, --listen or --shard: exit 2', async () => {
    expect((await runCli(['probe', 'smtp://127.0.0.1:1', '--timeout', '-1s'])).code).toBe(2);
    // A valid config of its own (not the invalid t.yaml the cases above leave behind), so exit 2
    // can only come from the flag; cli() stops a `run` that wrongly starts after 10 s.
    const file = join(dir, 'valid.yaml');
    writeFileSync(file, T(''));
    const ok = await cli(['validate', '--config', file]);
    expect(ok.code, ok.err).toBe(0);
    const listen = await cli(['run', '--config', file, '--listen', 'nowhere']);
    expect(listen.code, listen.err).toBe(2);
    expect(listen.err).toMatch(/--listen must be HOST:PORT .*not "nowhere"/);
    const shard = await cli(['run', '--config', file, '--listen', '127.0.0.1:0', '--shard', '3/2']);
    expect(shard.code, shard.err).toBe(2);
    expect(shard.err).toMatch(/--shard must be I\/N with 1 <= I <= N, not "3\/2"/);
  });
});

describe('config inputs that are not regular files, or too large', () => {
  // Reading a FIFO waits for a writer and cannot be cancelled: without the stat first, each of these
  // hangs for good (the child is killed after 20 s and the test fails). Run as the built CLI in a
  // child process, so that a regression cannot block this test process.
  const tlsprobe = (args: string[]): { status: number | null; stderr: string } =>
    spawnSync(process.execPath, ['bin/tlsprobe.js', ...args], { encoding: 'utf8', timeout: 20_000 });

  it('targets.yaml, a CA file, an LDAP password file, the web config or its certificate that is a FIFO, a directory, too large or longer than it said: exit 2 at once, naming it', () => {
    const d = tempFiles({});
    const fifo = join(d, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const cfg = (name: string, text: string): string => {
      writeFileSync(join(d, name), text);
      return join(d, name);
    };
    // Too large: refused before reading (a sparse 65 MiB targets.yaml costs no disk).
    const big = join(d, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 65 << 20);
    writeFileSync(join(d, 'long.pass'), 'x'.repeat((64 << 10) + 1));
    for (const [args, message] of [
      [['validate', '--config', fifo], `${fifo}: cannot read config file (not a regular file: a FIFO)`],
      [['check', '--config', fifo], `${fifo}: cannot read config file (not a regular file: a FIFO)`],
      // The agent loads its config on a worker thread: the same answer from there.
      [['run', '--config', fifo, '--listen', '127.0.0.1:0'], `${fifo}: cannot read config file (not a regular file: a FIFO)`],
      [['validate', '--config', d], `${d}: cannot read config file (not a regular file: a directory)`],
      [['validate', '--config', cfg('ca.yaml', T('    ca: [fifo]\n'))], `targets[0].ca[0]: ${fifo}: not readable (not a regular file: a FIFO)`],
      [['validate', '--config', cfg('ldap.yaml', `ldap:\n  url: ldap://127.0.0.1:389\n  bind_dn: "CN=svc"\n  password_file: fifo\n${T('')}`)], `ldap.password_file: ${fifo}: not readable (not a regular file: a FIFO)`],
      [['validate', '--config', big], `${big}: cannot read config file (larger than 64 MiB)`],
      // Longer than its size said: not read on to EOF past the cap.
      [['validate', '--config', '/proc/self/status'], '/proc/self/status: cannot read config file (changed size while being read)'],
      [['validate', '--config', cfg('long.yaml', `ldap:\n  url: ldap://127.0.0.1:389\n  bind_dn: "CN=svc"\n  password_file: long.pass\n${T('')}`)], `ldap.password_file: ${join(d, 'long.pass')}: not readable (larger than 64 KiB)`],
      [['run', '--config', cfg('ok.yaml', T('')), '--listen', '127.0.0.1:0', '--web.config.file', fifo], `${fifo}: cannot read web config file (not a regular file: a FIFO)`],
      [['run', '--config', join(d, 'ok.yaml'), '--listen', '127.0.0.1:0', '--web.config.file', cfg('web.yml', 'tls_server_config:\n  cert_file: fifo\n  key_file: fifo\n')], `tls_server_config.cert_file: ${fifo}: not readable (not a regular file: a FIFO)`],
    ] as const) {
      const r = tlsprobe([...args]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

