/**
 * One avatar per guest session in a room. The newest connection of a guest wins: joining again
 * (another tab, a reload, a stuck old socket) displaces the previous avatar instead of adding a
 * second one, so a guest cannot stack players in a room.
 */
export class GuestSeats {
  private readonly guestBySession = new Map<string, string>();
  private readonly sessionByGuest = new Map<string, string>();

  /** `guestId` now plays as `sessionId`; returns the session it displaces, if any. */
  claim(guestId: string, sessionId: string): string | undefined {
    const previous = this.sessionByGuest.get(guestId);
    if (previous !== undefined && previous !== sessionId) this.guestBySession.delete(previous);
    this.sessionByGuest.set(guestId, sessionId);
    this.guestBySession.set(sessionId, guestId);
    return previous !== sessionId ? previous : undefined;
  }

  /** The session left for good; forget it unless its guest has already moved to another seat. */
  release(sessionId: string): void {
    const guestId = this.guestBySession.get(sessionId);
    if (guestId === undefined) return;
    this.guestBySession.delete(sessionId);
    if (this.sessionByGuest.get(guestId) === sessionId) this.sessionByGuest.delete(guestId);
  }

  get size(): number {
    return this.sessionByGuest.size;
  }
}
