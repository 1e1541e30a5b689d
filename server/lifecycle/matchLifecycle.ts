import type { Client, Room } from '@colyseus/core';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import type { MatchEnd, MatchInfo, ServerMessages } from '../../shared/messages.ts';
import { DEFAULT_OPERATIONS, type OperationsConfig } from '../cluster/config.ts';
import { log } from '../observability/log.ts';
import { guardOf } from '../security/connectionGuard.ts';
import { holdsSeat } from './reconnectPolicy.ts';
import { liveRooms, type Drainable } from './roomRegistry.ts';

/** What the lifecycle reads of a match: its tick and its players (the arena's World is one). */
export interface MatchSource {
  readonly tick: number;
  readonly players: ReadonlyMap<string, { readonly id: string; readonly name: string; readonly kills: number; readonly deaths: number; readonly lastInputSeq: number }>;
}

export type MatchLifecycleOptions = Pick<OperationsConfig, 'reconnectWindowS' | 'matchDurationS' | 'drainDeadlineS'>;

export const DEFAULT_MATCH_LIFECYCLE: MatchLifecycleOptions = {
  reconnectWindowS: DEFAULT_OPERATIONS.reconnectWindowS,
  matchDurationS: DEFAULT_OPERATIONS.matchDurationS,
  drainDeadlineS: DEFAULT_OPERATIONS.drainDeadlineS,
};

/**
 * What a match is, from start to end, and what happens to the people in it:
 *
 * - A match starts with the room. With `matchDurationS` > 0 it ends when that much game time
 *   has passed; otherwise it runs until everyone leaves.
 * - When the process drains (SIGTERM), the room is locked by Colyseus, players are told, and
 *   the match ends at its own end or at the drain deadline, whichever comes first. "A match
 *   that could finish" is one whose own end falls before the deadline: it ends exactly as it
 *   would have (reason `time`). Any other match is cut at the deadline (reason `shutdown`).
 * - At the end everyone receives `matchEnd` with the final scores, then the room closes with
 *   MATCH_ENDED (4200) or SHUTDOWN_DEADLINE (4201).
 * - A player whose connection drops keeps their seat, position, health and score for
 *   `reconnectWindowS`, unless the server closed them on purpose (see reconnectPolicy.ts).
 */
export class MatchLifecycle implements Drainable {
  private endsAtTick: number | null;
  private endReason: MatchEnd['reason'] = 'time';
  private draining = false;
  private ended = false;
  private readonly superseded = new WeakSet<Client>();
  /** Seats held for dropped players, by session, until they are back or their window has passed. */
  private readonly held = new Map<string, { reject?: (reason?: unknown) => void }>();

  /**
   * `publish` writes the match info where clients read it (the room state): called now and
   * whenever it changes.
   */
  constructor(
    private readonly room: Room,
    private readonly world: () => MatchSource,
    private readonly options: MatchLifecycleOptions,
    private readonly publish: (info: MatchInfo) => void,
    /** Told once, as the match ends, before anyone leaves; answers the match's record id when it is kept. */
    private readonly onEnd?: (reason: MatchEnd['reason']) => string | undefined,
  ) {
    this.endsAtTick = options.matchDurationS > 0 ? Math.round(options.matchDurationS * TICK_HZ) : null;
    liveRooms.add(this);
    publish(this.info);
  }

  /** What clients are told about this match. */
  get info(): MatchInfo {
    return { endsAtTick: this.endsAtTick, draining: this.draining, reconnectWindowS: this.options.reconnectWindowS };
  }

  /** A client came back within its window: tell it where its input stream resumes. */
  resumed(client: Client): void {
    const lastInputSeq = this.world().players.get(client.sessionId)?.lastInputSeq ?? 0;
    client.send('resumed', { lastInputSeq } satisfies ServerMessages['resumed']);
    log.info({ roomId: this.room.roomId, sessionId: client.sessionId }, 'player reconnected');
  }

  /**
   * A reconnection with this token is about to replace a connection the server still thinks
   * is open (a half-dead socket). Colyseus closes the stale one with 4002; that close must not
   * count as a kick.
   */
  supersede(reconnectionToken: string): void {
    const stale = this.room.clients.find((c) => c.reconnectionToken === reconnectionToken);
    if (stale) this.superseded.add(stale);
  }

  /**
   * The connection that holds `reconnectionToken` is one the server is closing on purpose (kicked,
   * its close handshake not over yet): its token is void. Without this, Colyseus would treat the
   * kicked connection as a stale one and hand its seat to whoever asks with the token meanwhile.
   */
  kicked(reconnectionToken: string): boolean {
    const holder = this.room.clients.find((c) => c.reconnectionToken === reconnectionToken);
    return holder !== undefined && !this.superseded.has(holder) && guardOf(holder.ref)?.closeCode !== undefined;
  }

  /**
   * Room.onDrop: hold the seat, or let Colyseus go on to onLeave. Returns the held seat (settles
   * when the player is back or the window has passed; `reject()` it to end the hold early).
   */
  dropped(client: Client, code: number | undefined): ReturnType<Room['allowReconnection']> | undefined {
    // The connection's guard noted every close the server started on it, by anyone, when it
    // started: rate limits, violations, protocol and frame errors, a room's kick, a replaced session.
    const serverCloseCode = guardOf(client.ref)?.closeCode;
    const facts = { code, serverCloseCode, superseded: this.superseded.has(client) };
    const hold = !this.ended && this.options.reconnectWindowS > 0 && holdsSeat(facts);
    log.info({ roomId: this.room.roomId, sessionId: client.sessionId, code, serverCloseCode, held: hold }, 'player dropped');
    if (!hold) return undefined;
    const held = this.room.allowReconnection(client, this.options.reconnectWindowS);
    const sessionId = client.sessionId;
    this.held.set(sessionId, held as unknown as { reject?: (reason?: unknown) => void });
    // Settles when the player is back or the seat is given up; rejects when the room is disposing,
    // the client never finished joining or its guest joined again: then it just leaves.
    held.then(() => this.held.delete(sessionId), () => this.held.delete(sessionId));
    return held;
  }

  /** One avatar per guest: the seat held for `sessionId` (a guest who has joined again) ends now. */
  endHeldSeat(sessionId: string): void {
    this.held.get(sessionId)?.reject?.(new Error('session replaced'));
  }

  /** Call after every simulation step. */
  afterStep(): void {
    if (this.endsAtTick !== null && this.world().tick >= this.endsAtTick) this.end(this.endReason);
  }

  /** The game decided the match by play (a score reached): it ends now, as one that ran its length. */
  decided(): void {
    this.end('decided');
  }

  /** Room.onBeforeShutdown: the process is draining. A later call may only bring the deadline closer. */
  drain(deadlineS = this.options.drainDeadlineS): void {
    if (this.ended) return;
    if (deadlineS <= 0 || this.room.clients.length === 0) {
      this.draining = true;
      this.end('shutdown');
      return;
    }
    if (this.draining) return;
    this.draining = true;
    const deadlineTick = this.world().tick + Math.round(deadlineS * TICK_HZ);
    if (this.endsAtTick === null || this.endsAtTick > deadlineTick) {
      this.endsAtTick = deadlineTick;
      this.endReason = 'shutdown';
    }
    log.info({ roomId: this.room.roomId, endsAtTick: this.endsAtTick, reason: this.endReason, clients: this.room.clients.length }, 'room draining');
    this.publish(this.info);
    // Ticks can fall behind the wall clock on an overloaded machine; the deadline cannot.
    this.room.clock.setTimeout(() => this.end('shutdown'), deadlineS * 1000 + 250);
  }

  /** Room.onDispose. */
  disposed(): void {
    liveRooms.delete(this);
  }

  private end(reason: MatchEnd['reason']): void {
    if (this.ended) return;
    this.ended = true;
    const world = this.world();
    const scores = [...world.players.values()]
      .map((p) => ({ id: p.id, name: p.name, kills: p.kills, deaths: p.deaths }))
      .sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
    const code = reason !== 'shutdown' ? CLOSE_CODES.MATCH_ENDED : CLOSE_CODES.SHUTDOWN_DEADLINE;
    const matchId = this.onEnd?.(reason);
    log.info({ roomId: this.room.roomId, reason, tick: world.tick, players: scores.length, matchId }, 'match ended');
    const message: ServerMessages['matchEnd'] = matchId === undefined ? { reason, tick: world.tick, scores } : { reason, tick: world.tick, scores, matchId };
    this.room.broadcast('matchEnd', message);
    try {
      this.room.disconnect(code).catch((err: unknown) => log.warn({ err, roomId: this.room.roomId }, 'closing ended match failed'));
    } catch (err) {
      // Only throws while the room is still being created; Colyseus discards such rooms on shutdown.
      log.warn({ err, roomId: this.room.roomId }, 'closing ended match failed');
    }
  }
}
