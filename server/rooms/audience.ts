import { JOIN_REJECTIONS } from '../../shared/closeCodes.ts';

export type Seat = 'player' | 'spectator';

/**
 * Who is in a room: players (with a body) and spectators (a view only), each with its own limit.
 * Colyseus' own `maxClients` is the sum; this decides which kind of seat a join may take.
 */
export class Audience {
  private readonly players = new Set<string>();
  private readonly spectators = new Set<string>();

  constructor(readonly maxPlayers: number, readonly maxSpectators: number) {}

  /** Take a seat, or say why not (a JOIN_REJECTIONS reason). */
  admit(sessionId: string, seat: Seat): { ok: true } | { ok: false; reason: string } {
    if (seat === 'spectator') {
      if (this.spectators.size >= this.maxSpectators) return { ok: false, reason: JOIN_REJECTIONS.SPECTATORS_FULL };
      this.spectators.add(sessionId);
    } else {
      if (this.players.size >= this.maxPlayers) return { ok: false, reason: JOIN_REJECTIONS.ROOM_FULL };
      this.players.add(sessionId);
    }
    return { ok: true };
  }

  release(sessionId: string): void {
    this.players.delete(sessionId);
    this.spectators.delete(sessionId);
  }

  seatOf(sessionId: string): Seat | undefined {
    return this.players.has(sessionId) ? 'player' : this.spectators.has(sessionId) ? 'spectator' : undefined;
  }

  get playerCount(): number {
    return this.players.size;
  }

  get spectatorCount(): number {
    return this.spectators.size;
  }

  get playersFull(): boolean {
    return this.players.size >= this.maxPlayers;
  }
}
