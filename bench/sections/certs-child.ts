// Child process of section 7: issues N distinct leaves under one intermediate, then times chainInfos()
// on each chain the first time and again, against OpenSSL's parse of the same leaves, and weighs the cache.
import { X509Certificate } from 'node:crypto';
import { createChain, issueLeaf } from '../../src/pki/index.js';
import { chainInfos } from '../../src/x509/cert-info.js';
import { childMain } from '../lib/child.js';
import { gc } from '../lib/monitor.js';
import type { CertsResult } from './certs.js';

const heap = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/** Mean µs of `fn` over every chain. */
function perChain(chains: Buffer[][], fn: (c: Buffer[]) => unknown): number {
  const t0 = performance.now();
  for (const c of chains) fn(c);
  return ((performance.now() - t0) * 1000) / chains.length;
}

childMain(async (): Promise<CertsResult> => {
  const n = Number(process.argv[2]);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`bad chain count ${process.argv[2]}`);
  const { intermediate } = await createChain({ reuseKeys: true });
  const chains: Buffer[][] = [];
  for (let i = 0; i < n; i++) {
    // What an Exchange or Postfix leaf carries: names, CDP (HTTP and LDAP), AIA; a key from the pool.
    const host = `mail${i}.example.test`;
    const leaf = await issueLeaf(intermediate, {
      subject: `CN=${host}, O=Example, C=US`,
      names: [host, `autodiscover${i}.example.test`],
      crlUrls: ['http://pki.example.test/sub.crl', 'ldap:///CN=Sub,CN=CDP,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=example,DC=test?certificateRevocationList?base?objectClass=cRLDistributionPoint'],
      ocspUrls: ['http://ocsp.example.test'],
      caIssuersUrls: ['http://pki.example.test/sub.crt'],
      reuseKeys: true,
    });
    chains.push([leaf.der, intermediate.der]);
  }
  // The intermediate is parsed once here, as the first chain of an estate parses it.
  chainInfos([intermediate.der]);
  const opensslUs = perChain(chains, (c) => new X509Certificate(c[0]!));
  gc();
  const heap0 = heap();
  const rss0 = process.memoryUsage().rss;
  const firstUs = perChain(chains, chainInfos);
  const repeatUs = perChain(chains, chainInfos);
  gc();
  const retainedBytes = (heap() - heap0) / n;
  const rssBytes = (process.memoryUsage().rss - rss0) / n;
  if (chainInfos(chains[0]!) !== chainInfos(chains[0]!)) throw new Error('a repeated chain was not found in the cache');
  return { chains: n, derBytes: chains[0]![0]!.length, opensslUs, firstUs, repeatUs, retainedBytes, rssBytes };
});
