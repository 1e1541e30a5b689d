import type { Client, Room } from '@colyseus/core';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_HZ } from '../../shared/constants.ts';
import type { MatchEnd, MatchInfo, ServerMessages } from '../../shared/messages.ts';
import type { World } from '../../shared/sim/world.ts';
import { DEFAULT_OPERATIONS, type OperationsConfig } from '../cluster/config.ts';
import { log } from '../observability/log.ts';
import { guardOf } from '../security/connectionGuard.ts';
import { holdsSeat } from './reconnectPolicy.ts';
import { liveRooms, type Drainable } from './roomRegistry.ts';

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
  private readonly serverClosed = new WeakMap<Client, number>();
  private readonly superseded = new WeakSet<Client>();

  constructor(
    private readonly room: Room,
    private readonly world: () => World,
    private readonly options: MatchLifecycleOptions,
  ) {
    this.endsAtTick = options.matchDurationS > 0 ? Math.round(options.matchDurationS * TICK_HZ) : null;
    liveRooms.add(this);
  }

  /** What clients are told about this match. */
  get info(): MatchInfo {
    return { endsAtTick: this.endsAtTick, draining: this.draining, reconnectWindowS: this.options.reconnectWindowS };
  }

  /** A client joined: tell it about the match, and remember closes the server makes on it. */
  welcome(client: Client): void {
    this.track(client);
    client.send('match', this.info satisfies ServerMessages['match']);
  }

  /** A client came back within its window: same as a join, plus where its input stream resumes. */
  resumed(client: Client): void {
    this.welcome(client);
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
   * Room.onDrop: hold the seat, or let Colyseus go on to onLeave. Returns the held seat (settles
   * when the player is back or the window has passed; `reject()` it to end the hold early).
   */
  dropped(client: Client, code: number | undefined): ReturnType<Room['allowReconnection']> | undefined {
    // A close the room started, or one the connection guard started (rate limits, protocol errors).
    const serverCloseCode = this.serverClosed.get(client) ?? guardOf(client.ref)?.closeCode;
    const facts = { code, serverCloseCode, superseded: this.superseded.has(client) };
    const hold = !this.ended && this.options.reconnectWindowS > 0 && holdsSeat(facts);
    log.info({ roomId: this.room.roomId, sessionId: client.sessionId, code, serverCloseCode, held: hold }, 'player dropped');
    if (!hold) return undefined;
    const held = this.room.allowReconnection(client, this.options.reconnectWindowS);
    // Rejects when the room is disposing or the client never finished joining: then it just leaves.
    held.then(undefined, () => undefined);
    return held;
  }

  /** Call after every simulation step. */
  afterStep(): void {
    if (this.endsAtTick !== null && this.world().tick >= this.endsAtTick) this.end(this.endReason);
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
    this.room.broadcast('match', this.info satisfies ServerMessages['match']);
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
    const code = reason === 'time' ? CLOSE_CODES.MATCH_ENDED : CLOSE_CODES.SHUTDOWN_DEADLINE;
    log.info({ roomId: this.room.roomId, reason, tick: world.tick, players: scores.length }, 'match ended');
    this.room.broadcast('matchEnd', { reason, tick: world.tick, scores } satisfies ServerMessages['matchEnd']);
    try {
      this.room.disconnect(code).catch((err: unknown) => log.warn({ err, roomId: this.room.roomId }, 'closing ended match failed'));
    } catch (err) {
      // Only throws while the room is still being created; Colyseus discards such rooms on shutdown.
      log.warn({ err, roomId: this.room.roomId }, 'closing ended match failed');
    }
  }

  /** Record the code of any close the server starts on this client (violations, protocol errors). */
  private track(client: Client): void {
    const leave = client.leave.bind(client);
    client.leave = (code?: number, data?: string) => {
      if (code !== undefined && !this.serverClosed.has(client)) this.serverClosed.set(client, code);
      leave(code, data);
    };
  }
}
