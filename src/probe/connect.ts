// DNS resolution and the TCP connect, each bounded.
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { ProbeError } from './reasons.js';
import { toProbeError } from './errors.js';
import { fmtMs } from './deadline.js';

/** How host names become addresses; tests inject one so they never query a real DNS server. */
export type Resolver = (host: string) => Promise<Array<{ address: string }>>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** All addresses of a host (an IP literal resolves to itself). */
export async function resolveAll(host: string, resolver: Resolver = systemResolver): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    const found = await resolver(host);
    if (found.length === 0) throw new ProbeError('dns_failed', `${host} has no A or AAAA record`, 'dns');
    return found.map((a) => a.address);
  } catch (err) {
    throw toProbeError(err, 'dns');
  }
}

export function connectTcp(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError('connect_timeout', `no TCP connection to ${address}:${port} within ${fmtMs(timeoutMs)}`, 'connect'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(toProbeError(err, 'connect'));
    });
  });
}
