/**
 * Close codes that mean "the network or the client's side went away", after which a player's
 * seat is held for reconnection. Everything else, in particular every close the server made
 * on purpose (4002 protocol error or rate limit, 41xx violations, 1008/1009, match over,
 * shutdown), ends the session: a kicked client must not walk back in with its token.
 *
 * An allowlist rather than a denylist, so close codes added later default to "no reconnection".
 */
const NETWORK_CLOSE_CODES: ReadonlySet<number> = new Set([
  1000, // normal closure without a leave message (e.g. a client-side close())
  1001, // going away (tab closed, page navigated, proxy restarting)
  1005, // no status received
  1006, // abnormal closure: socket lost, or terminated by the heartbeat
  1011, // unexpected condition on the other side
  1012, // service restart (proxies)
  1013, // try again later (proxies)
  1014, // bad gateway (proxies)
  4010, // the client itself says it will try to reconnect (Colyseus' MAY_TRY_RECONNECT)
]);

export interface DropFacts {
  /** Close code the room saw. */
  code: number | undefined;
  /** Code of a close the server itself started (client.leave), which the peer's echo may hide. */
  serverCloseCode: number | undefined;
  /** The connection was replaced by a reconnection with the right token (stale socket). */
  superseded: boolean;
}

/** Whether a dropped player's seat should be held for reconnection. */
export function holdsSeat(facts: DropFacts): boolean {
  if (facts.superseded) return true;
  if (facts.serverCloseCode !== undefined) return false;
  return facts.code === undefined || NETWORK_CLOSE_CODES.has(facts.code);
}
