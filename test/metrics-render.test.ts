// The per-target series renderer: exposition escaping, grouping by family, and what a result turns into.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createChain } from '../src/pki/index.js';
import { storedTarget } from '../src/daemon/store.js';
import { RESULT_SPECS, resultExposition } from '../src/metrics/results.js';
import { BLOCK_BYTES, BlockPacker } from '../src/metrics/packed-body.js';
import { escapeLabelValue, familyHeader, sampleLine } from '../src/metrics/exposition.js';
import { resultWith } from './helpers/result.js';
import type { OcspResponseInfo } from '../src/revocation/types.js';
import type { CertInfo, ProbeResult } from '../src/probe/result.js';
import { chainInfos } from '../src/x509/cert-info.js';

describe('metrics rendering', () => {
  it('escapes label values as the exposition format requires', () => {
    expect(escapeLabelValue('CN=a "b", O=c\\d\ne')).toBe('CN=a \\"b\\", O=c\\\\d\\ne');
    expect(sampleLine('m', { a: 'x' }, Number.NaN)).toBe('m{a="x"} NaN\n');
  });

  it('groups samples of all targets under one HELP/TYPE per family, accepted by promtool', async () => {
    const pki = await createChain({ names: ['mail.example.test'], reuseKeys: true, leaf: { subject: 'CN=mail.example.test, O=Contoso\\, Ltd' } });
    const r1 = { ...resultWith([pki.leaf, pki.intermediate]), checks: [{ id: 'expiry', status: 'warn' as const, message: '', details: {} }, { id: 'chain', status: 'pass' as const, message: '', details: {} }] };
    const r2 = { ...resultWith([pki.leaf]), ok: false, error: { reason: 'timeout_banner' as const, message: 'x', phase: 'greeting' as const } };
    const body = resultExposition('# agent metrics\n', [storedTarget('a', false, [r1]), storedTarget('b', true, [r2])]);
    const bytes = Buffer.concat([...body.blocks()]);
    expect(bytes.length).toBe(body.length); // the Content-Length the agent sends
    const text = bytes.toString('utf8');
    expect(text.startsWith('# agent metrics\n# HELP tlsprobe_probe_success ')).toBe(true);
    expect(text.match(/^# TYPE tlsprobe_probe_success gauge$/gm)).toHaveLength(1);
    expect(text).toContain('tlsprobe_probe_success{target="a",address=""} 1\n');
    expect(text).toContain('tlsprobe_probe_success{target="b",address="127.0.0.1"} 0\n');
    expect(text).toContain('tlsprobe_probe_error_info{target="b",address="127.0.0.1",reason="timeout_banner"} 1\n');
    expect(text).toContain('tlsprobe_check_warning{target="a",address="",check="expiry"} 1\n');
    expect(text).not.toContain('check="chain"} 0');
    // The DN renders the comma escaped (RFC 4514), and the exposition escapes that backslash.
    expect(r1.chain[0]!.subject).toBe('CN=mail.example.test, O=Contoso\\, Ltd');
    expect(text).toContain('subject="CN=mail.example.test, O=Contoso\\\\, Ltd"');
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    expect(promtool.error, 'promtool missing: run scripts/install-test-deps.sh').toBeUndefined();
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).toBe('');
  });

  it('tlsprobe_cert_revoked counts only OCSP answers the crl check believes: successful and not failing the signature', async () => {
    const pki = await createChain({ reuseKeys: true });
    const staple = (o: Partial<OcspResponseInfo>): OcspResponseInfo => ({
      responseStatus: 'successful', certStatus: 'revoked', producedAt: null, thisUpdate: null, nextUpdate: null, revokedAt: null, reason: null, signature: 'valid', error: null, ...o,
    });
    const revoked = (s: OcspResponseInfo): string => {
      const r = { ...resultWith([pki.leaf, pki.intermediate]), revocation: { checkedAt: '', crlChecked: false, certificates: [], crls: [], ocsp: { stapled: true, staple: s, queried: [] }, error: null } };
      const text = Buffer.concat([...resultExposition('', [storedTarget('a', false, [r])]).blocks()]).toString('utf8');
      return /^tlsprobe_cert_revoked\{[^}]*\} (\d)$/m.exec(text)![1]!;
    };
    expect(revoked(staple({}))).toBe('1');
    expect(revoked(staple({ signature: 'invalid' }))).toBe('0'); // a forged staple proves nothing
    expect(revoked(staple({ responseStatus: 'tryLater' }))).toBe('0');
    expect(revoked(staple({ certStatus: 'good' }))).toBe('0');
  });

  it('renders every sample as sampleLine() would, label values longer than its scratch buffer and non-ASCII included, in one body of many blocks', async () => {
    const pki = await createChain({ reuseKeys: true });
    const big = (n: number): ProbeResult => {
      const r = resultWith([pki.leaf, pki.intermediate]);
      // ~150 kB of label per certificate row: past the writer's 64 KiB buffer, in 2- and 3-byte UTF-8.
      r.chain[0]!.subject = `CN=${'ü日'.repeat(30_000)}"\\\n${n}`;
      return r;
    };
    // A chain shared between probes (frozen): its certificates' labels are rendered once and copied.
    const shared = (): ProbeResult => ({ ...resultWith([]), chain: chainInfos([pki.leaf.der, pki.intermediate.der]) as CertInfo[] });
    const results = [[big(1)], [big(2), big(3)], [resultWith([pki.leaf])], [shared(), shared()]];
    // Short non-ASCII too (the writer copies short ASCII pieces itself and hands the rest to Buffer.write).
    const name = (i: number): string => `t${i}-Müll€r`;
    const stored = results.map((rs, i) => storedTarget(name(i), i === 1, rs));
    // The oracle: each family's lines built as strings, one sampleLine() per row.
    const expected = results.map((rs, i) =>
      RESULT_SPECS.map((spec) =>
        rs
          .map((r) => {
            let text = '';
            spec.rows(r, (value, labels) => (text += sampleLine(spec.name, { target: name(i), address: i === 1 ? (r.address ?? '') : '', ...labels }, value)));
            return text;
          })
          .join(''),
      ),
    );
    stored.forEach((t, i) => {
      expect(t.series.bytes.toString('utf8')).toBe(expected[i]!.join(''));
      expect([...t.series.ends]).toEqual(expected[i]!.map((_, f) => Buffer.byteLength(expected[i]!.slice(0, f + 1).join(''))));
    });
    const body = resultExposition('', stored);
    const blocks = [...body.blocks()];
    expect(blocks.length).toBeGreaterThan(3);
    expect(blocks.slice(0, -1).every((b) => b.length === BLOCK_BYTES)).toBe(true);
    const text = Buffer.concat(blocks).toString('utf8');
    expect(Buffer.byteLength(text)).toBe(body.length);
    const families = RESULT_SPECS.map((spec, f) => familyHeader(spec.name, spec.help) + expected.map((e) => e[f]).join('')).join('');
    expect(text.startsWith(families)).toBe(true);
  });

  it('packs pieces into full blocks in order, splitting pieces larger than a block', () => {
    const p = new BlockPacker();
    const pieces = [Buffer.alloc(10, 'a'), Buffer.alloc(BLOCK_BYTES + 5, 'b'), Buffer.from('héllo'), Buffer.alloc(BLOCK_BYTES - 21, 'c')];
    const out: Buffer[] = [];
    for (const piece of pieces) {
      p.bytes(piece, 0, piece.length);
      out.push(...p.take());
    }
    p.bytes(Buffer.from('xyzxyz'), 3, 6);
    out.push(...p.rest());
    expect(out.slice(0, -1).every((b) => b.length === BLOCK_BYTES)).toBe(true);
    expect(Buffer.concat(out).equals(Buffer.concat([...pieces, Buffer.from('xyz')]))).toBe(true);
    expect(p.rest()).toEqual([]);
  });
});
