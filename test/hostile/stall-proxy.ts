// A loopback TCP proxy that forwards the client's bytes but only the server's first TLS record (the ServerHello), then stalls or resets.
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface StallProxy {
  port: number;
  /** Server bytes withheld so far (proves the server did answer past the ServerHello). */
  withheld(): number;
  close(): Promise<void>;
}

/**
 * In front of a real TLS server: the client sees a genuine ServerHello, then nothing, as from a
 * middlebox or a server that stalls mid-flight. A TLS record is 5 header bytes (type, version,
 * length) plus `length` bytes (RFC 8446 §5.1), so the first record ends at 5 + length.
 */
export async function stallAfterServerHello(upstreamPort: number, then: 'stall' | 'reset' = 'stall'): Promise<StallProxy> {
  const sockets = new Set<net.Socket>();
  let withheld = 0;
  const track = (s: net.Socket): net.Socket => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    return s;
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = track(net.connect(upstreamPort, '127.0.0.1'));
    client.on('data', (d) => upstream.write(d));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let seen = Buffer.alloc(0);
    let forwarded = false;
    upstream.on('data', (d: Buffer) => {
      if (forwarded) return void (withheld += d.length);
      seen = Buffer.concat([seen, d]);
      if (seen.length < 5) return;
      const end = 5 + seen.readUInt16BE(3);
      if (seen.length < end) return;
      client.write(seen.subarray(0, end));
      withheld += seen.length - end;
      forwarded = true;
      // `reset`: a TCP RST in the middle of the handshake, as a crashing server or a middlebox sends.
      if (then === 'reset') setTimeout(() => client.resetAndDestroy(), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    withheld: () => withheld,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
