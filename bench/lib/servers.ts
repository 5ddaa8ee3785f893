// The bench's servers on loopback: a plain-HTTP nginx serving the CRLs, then HTTPS nginx and Postfix with an RSA-2048 chain whose CDPs point at it.
import { join } from 'node:path';
import { createChain, createCrl, createLargeCrl } from '../../src/pki/index.js';
import { startNginx, type NginxInstance } from '../../test/harness/nginx.js';
import { startPostfix, type PostfixInstance } from '../../test/harness/postfix.js';
import { makeTempDir, removeTempDir, writeFileMode } from '../../test/harness/tmp.js';

export const SERVERNAME = 'mail.example.test';

export interface BenchServers {
  httpsPort: number;
  smtpPort: number;
  /** The CDP URLs in the chain (leaf -> issuing CA CRL, intermediate -> root CRL). */
  crlUrls: string[];
  /** Bytes of the issuing CA's CRL. */
  issuingCrlBytes: number;
  rootPem: string;
  /** A file holding rootPem (trust anchor for tlsprobe and blackbox_exporter). */
  rootFile: string;
  /** Scratch directory for configs; removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** Starts everything; whatever started is stopped again if a later step fails. */
export async function startServers(issuingCrlEntries: number): Promise<BenchServers> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((e: Error) => console.error(`bench: stopping a server failed: ${e.message}`));
  };
  try {
    const dir = await makeTempDir('bench');
    stops.push(() => removeTempDir(dir));
    // The CRL server first: its port goes into the certificates' CDPs.
    const crlServer: NginxInstance = await startNginx({ plainHttp: true, staticFiles: { '/crl/README': 'CRLs for the tlsprobe bench\n' } });
    stops.push(() => crlServer.stop());
    const base = `http://127.0.0.1:${crlServer.httpPort}/crl`;
    const crlUrls = [`${base}/issuing.crl`, `${base}/root.crl`];
    const chain = await createChain({
      names: [SERVERNAME, 'localhost', '127.0.0.1'],
      reuseKeys: true,
      leaf: { crlUrls: [crlUrls[0]!] },
      intermediate: { crlUrls: [crlUrls[1]!] },
    });
    const issuingCrl = await createLargeCrl(chain.intermediate, { count: issuingCrlEntries });
    const rootCrl = await createCrl(chain.root, {});
    await writeFileMode(join(crlServer.dir, 'html', 'crl', 'issuing.crl'), issuingCrl.der);
    await writeFileMode(join(crlServer.dir, 'html', 'crl', 'root.crl'), rootCrl.der);
    const rootFile = join(dir, 'root.pem');
    await writeFileMode(rootFile, chain.root.certPem);

    const nginx = await startNginx({ chainPem: chain.chainPem, keyPem: chain.leaf.keyPem });
    stops.push(() => nginx.stop());
    const postfix: PostfixInstance = await startPostfix({ chainPem: chain.chainPem, keyPem: chain.leaf.keyPem, hostname: SERVERNAME });
    stops.push(() => postfix.stop());
    return {
      httpsPort: nginx.httpsPort!,
      smtpPort: postfix.smtpPort,
      crlUrls,
      issuingCrlBytes: issuingCrl.der.length,
      rootPem: chain.root.certPem,
      rootFile,
      dir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
