// A tiny HTTP server publishing the demo PKI's CRLs, so the demo's certificates have reachable CDPs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrlServer {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  base: string;
  /** Publishes (or replaces) a CRL at `path`. */
  publish(path: string, der: Buffer): void;
  close(): Promise<void>;
}

export async function startCrlServer(host = '127.0.0.1'): Promise<CrlServer> {
  const files = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://${host}:${port}`,
    publish: (path, der) => void files.set(path, der),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
