// Generic implicit TLS (tls://host:port): the handshake is the whole probe.
import type { Driver } from './driver.js';

export const tlsDriver: Driver<null> = {
  newDetails: () => null,
  async run() {
    // Nothing to say after the handshake the runner already did.
  },
};
