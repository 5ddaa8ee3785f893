// The TLS handshake on an existing socket, with a capture-only context that never completes or judges the chain.
import * as tls from 'node:tls';
import type { Socket } from 'node:net';
import { ProbeError } from './reasons.js';
import { toProbeError } from './errors.js';
import { fmtMs } from './deadline.js';
import { tapSocket, type PresentedResult } from './presented/index.js';

let captureContext: tls.SecureContext | null = null;

/**
 * One shared context for every capture handshake (building one per connection
 * costs a large share of the handshake rate). Its CA store is empty on
 * purpose: Node completes `getPeerCertificate(true)` from the client's store,
 * which would hide a missing intermediate. Trust is judged later, by the checks.
 * Old protocols and weak ciphers are allowed so that we can see and report them.
 */
export function getCaptureContext(): tls.SecureContext {
  captureContext ??= tls.createSecureContext({
    ca: [],
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  return captureContext;
}

export interface UpgradeOptions {
  servername: string | null;
  alpn?: string[];
  timeoutMs: number;
  /** Read the exact presented certificate list off the wire (costs ~30% of the handshake rate). */
  exactChain: boolean;
}

export interface Upgraded {
  socket: tls.TLSSocket;
  ocspResponse: Buffer | null;
  /** The certificate list as sent, when `exactChain` was asked for. */
  presented: PresentedResult | null;
}

export function upgradeToTls(socket: Socket, opts: UpgradeOptions): Promise<Upgraded> {
  return new Promise((resolve, reject) => {
    let ocspResponse: Buffer | null = null;
    const tap = opts.exactChain ? tapSocket(socket) : null;
    const options: tls.ConnectionOptions & { requestOCSP: boolean } = {
      socket: tap ? tap.stream : socket,
      secureContext: getCaptureContext(),
      rejectUnauthorized: false,
      // tls.connect passes this through to TLSSocket; @types/node omits it.
      requestOCSP: true,
      ...(opts.servername ? { servername: opts.servername } : {}),
      ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
    };
    const tlsSocket = tls.connect(options);
    tap?.watch(tlsSocket); // keylog lines only flow to listeners attached in this tick
    const timer = setTimeout(() => {
      finish(new ProbeError('timeout_handshake', `TLS handshake did not complete within ${fmtMs(opts.timeoutMs)}`, 'handshake'));
    }, opts.timeoutMs);
    const onError = (err: Error): void => finish(toProbeError(err, 'handshake'));
    const onClose = (): void =>
      finish(new ProbeError('tls_handshake_failed', 'server closed the connection during the TLS handshake', 'handshake'));
    tlsSocket.on('OCSPResponse', (resp: Buffer) => {
      ocspResponse = resp;
    });
    tlsSocket.once('secureConnect', () => finish(null));
    tlsSocket.on('error', onError);
    tlsSocket.once('close', onClose);

    function finish(err: ProbeError | null): void {
      clearTimeout(timer);
      tlsSocket.off('close', onClose);
      tlsSocket.off('error', onError);
      if (err) {
        tlsSocket.on('error', () => {}); // late errors after destroy are expected
        tlsSocket.destroy();
        socket.destroy();
        reject(err);
      } else {
        resolve({ socket: tlsSocket, ocspResponse, presented: tap ? tap.finish(tlsSocket) : null });
      }
    }
  });
}
