// The one shape every protocol driver has: fresh details, then a run over a session that fills them in.
import type { Session } from '../probe/session.js';
import type { ProbeTarget } from '../probe/target.js';
import type { Phase } from '../probe/reasons.js';

export interface Driver<D> {
  /** ALPN to offer in the handshake (https only). */
  readonly alpn?: string[];
  /** Details start empty and are filled as the dialogue goes, so a failure still reports what was seen. */
  newDetails(target: ProbeTarget): D;
  /**
   * Implicit TLS: the phase in which the client speaks first after the handshake (an HTTP
   * request), or null when the server greets first or nobody speaks (see Session.startTls).
   */
  clientFirstPhase?(target: ProbeTarget): Phase | null;
  /** Runs the dialogue. Implicit-TLS targets arrive already upgraded (the runner does the handshake first). */
  run(session: Session, details: D): Promise<void>;
}

/** Best effort goodbye: send it, wait briefly for an answer, ignore any failure. */
export async function sayGoodbye(s: Session, command: string, transcript: string[]): Promise<void> {
  transcript.push(command);
  s.send(command);
  try {
    const ms = Math.min(1000, s.deadline.bound(s.target.timeouts.replyMs));
    await s.conn.readLine({ until: Date.now() + ms, ms }, 'timeout_reply', 'goodbye');
  } catch {
    // The server may close first or say nothing; neither matters to the probe.
  }
}
