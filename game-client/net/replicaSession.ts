import type { InputHandle, Room } from '@colyseus/sdk';
import type { GameDefinition } from '../../shared/game/definition.ts';
import { inputRanges, type InputLayout } from '../../shared/game/input.ts';
import { PLAYER_ENTITIES, readReplica, type ReplicatedLayout, type StateValues } from '../../shared/game/state.ts';
import type { GameMap } from '../../shared/maps.ts';
import type { MatchInfo, NetPong, NetReport, ServerMessages } from '../../shared/messages.ts';
import { AckLatency } from './ackLatency.ts';
import { NetClock } from './clock.ts';
import { connectionStats, type ConnectionStats } from './connectionStats.ts';
import { describeClose } from './closeReasons.ts';
import { Emitter } from './emitter.ts';
import { leaveAtOnce, leaveRoom } from './leaving.ts';
import { InputSequence } from './inputSeq.ts';
import { InputPacer, type PacerOptions } from './pacer.ts';
import { ConnectionKeeper, type ConnectionChange, type ReconnectOptions } from './reconnect.ts';
import { ReplicaPrediction, type ReplicaView } from './replicaPrediction.ts';
import { CorrectionSmoother, positionsAt } from './smoothing.ts';

export interface ReplicaSessionEvents extends Record<string, unknown> {
  chat: ServerMessages['chat'];
  /** The room connection ended for good; `reason` is for people. */
  closed: { code: number; reason: string };
  /** Connection lost / back (status `reconnecting` / `playing`); see net/reconnect.ts. */
  connection: ConnectionChange;
  /** Match clock and drain notice, from the state: on join and whenever it changes. */
  match: MatchInfo;
  /** Final standings; the room closes right after. */
  matchEnd: ServerMessages['matchEnd'];
  /** A server state moved a drawn entity (`key`: kind/id) by `sizePx` from where the prediction had it. */
  correction: { key: string; sizePx: number; own: boolean };
  /** The server acknowledged input `seq`, `latencyMs` after we sent it. */
  inputAck: { seq: number; latencyMs: number };
}

export interface ReplicaSessionOptions {
  /** Reconnection tuning and the room-exists probe (net/reconnect.ts). */
  reconnect?: ReconnectOptions;
  pacer?: Partial<PacerOptions>;
}

/** What a scene draws: the prediction as it should look now. */
export interface ReplicaFrame {
  /** The predicted world's tick. */
  tick: number;
  /** The newest server state's tick. */
  serverTick: number;
  /** Match values as the server last sent them: scores and the winner are the server's word, never a guess. */
  match: StateValues;
  /** Every replicated entity as drawn (the prediction between its steps, corrections easing out), by kind and id. */
  entities: Record<string, Map<string, StateValues>>;
}

/** The connection as the HUD, the net graph and the tests see it: the common part and this session's prediction. */
export interface ReplicaStats extends ConnectionStats {
  /** Inputs re-simulated on top of each server state right now. */
  unacknowledged: number;
  /** Reconciliations that moved our own player, since joining, and the last and largest of them (px). */
  ownCorrections: number;
  lastOwnCorrectionPx: number;
  maxCorrectionPx: number;
}

const FIRST_STATE_TIMEOUT_MS = 10_000;
/** Longest frame gap the correction decay counts (a hidden tab resumes with its offsets as they were). */
const MAX_DECAY_STEP_MS = 250;

/** The input as the server will read it: each field clamped to its declared range, integers whole (shared/game/input.ts). */
function asSent<I>(layout: InputLayout, values: Record<string, unknown>): I {
  const ranges: Readonly<Record<string, readonly [number, number]>> = inputRanges(layout);
  const out: Record<string, number | boolean> = {};
  for (const [name, field] of Object.entries(layout)) {
    const v = values[name];
    if (field.type === 'boolean') {
      out[name] = v === true;
      continue;
    }
    const range = ranges[name];
    const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : range?.[0] ?? 0;
    out[name] = range === undefined ? n : Math.min(range[1], Math.max(range[0], n));
  }
  return out as I;
}

/**
 * One player's connection to a room of any game served by server/rooms/GameRoom.ts (the whole
 * state replicated, inputs through the SDK's input channel). Owns the Colyseus room and the
 * netcode around it:
 *
 * - one input per fixed step (TICK_HZ), paced by the server's buffer reports (pacer.ts), numbered
 *   with a `seq` that keeps growing across reconnections (inputSeq.ts);
 * - the whole world predicted (replicaPrediction.ts): our inputs stepped at once with the game's
 *   own `step`, and on every server state the world restored from it and our unacknowledged
 *   inputs stepped again, so what we push moves when we push it;
 * - everything drawn from that one predicted world, other players included. Interpolating them
 *   instead (smooth, but a round trip and a buffer in the past) would draw them far from a ball
 *   that is drawn in the present: a player dribbling would be seen a body length behind the ball
 *   they push. On the prediction's timeline what touches is drawn touching; each server state
 *   corrects them, and the correction eases out (smoothing.ts) rather than jumping;
 * - connection keeping (reconnect.ts), the match info and end, chat, a clean leave.
 *
 * Scenes use this and never touch the SDK; it knows no particular game (it takes a definition).
 */
export class ReplicaSession<W, I extends { seq: number }> {
  readonly events = new Emitter<ReplicaSessionEvents>();
  readonly sessionId: string;
  readonly code: string;
  /** `reconnecting` while the connection is lost and being re-established (show it). */
  status: 'playing' | 'reconnecting' | 'closed' = 'playing';
  /** The match clock and seat window, from the room state (set before `open()` resolves). */
  match: MatchInfo | undefined;

  private readonly layout: ReplicatedLayout;
  private readonly input: InputHandle<any>;
  private readonly clock = new NetClock();
  private readonly pacer: InputPacer;
  private readonly seq = new InputSequence();
  private readonly keeper: ConnectionKeeper;
  private readonly smoother = new CorrectionSmoother();
  private prediction: ReplicaPrediction<W, I> | undefined;
  private lastFrameMs: number | undefined;
  private ownCorrections = 0;
  private readonly acks = new AckLatency();
  private lastOwnCorrectionPx = 0;
  private maxCorrectionPx = 0;

  /** Wrap a freshly joined room of `game`; resolves once the first full state has arrived. */
  static async open<W, I extends { seq: number }>(room: Room<any, any>, game: GameDefinition<W, I, any>, options: ReplicaSessionOptions = {}, timeoutMs = FIRST_STATE_TIMEOUT_MS): Promise<ReplicaSession<W, I>> {
    const session = new ReplicaSession<W, I>(room, game, options);
    if (!session.prediction?.ready) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The room sent no state.')), timeoutMs);
        room.onStateChange.once(() => { clearTimeout(timer); resolve(); });
      });
    }
    if (!session.prediction?.ready) throw new Error(`The room is not a ${game.id} room.`);
    return session;
  }

  private constructor(private readonly room: Room<any, any>, readonly game: GameDefinition<W, I, any>, options: ReplicaSessionOptions) {
    if (game.replicated === undefined) throw new Error(`game ${game.id}: a replica session needs what the game replicates`);
    this.layout = game.replicated;
    this.sessionId = room.sessionId;
    this.code = room.roomId;
    this.pacer = new InputPacer(options.pacer);
    // Our clock replaces the SDK's: RTT from the server's pings, fresh while idle (clock.ts).
    this.clock.setPatchInterval(room.clock.patchInterval?.() ?? 0);
    room.clock = this.clock;
    // Handlers go on before the first await: messages queued at join are dispatched right away.
    this.input = room.input();
    this.keeper = new ConnectionKeeper(room, options.reconnect ?? {}, (change) => this.onConnection(change));
    room.onMessage('chat', (m: ServerMessages['chat']) => this.events.emit('chat', m));
    room.onMessage('chatHistory', (m: ServerMessages['chatHistory']) => m.lines.forEach((line) => this.events.emit('chat', line)));
    room.onMessage('net', (m: NetReport) => this.onReport(m));
    room.onMessage('matchEnd', (m: ServerMessages['matchEnd']) => this.events.emit('matchEnd', m));
    room.onMessage('resumed', (m: ServerMessages['resumed']) => this.seq.resumed(m.lastInputSeq));
    room.onStateChange(() => this.onPatch());
    room.onLeave((code: number) => this.close(code));
    if (room.state?.mapId) this.onPatch();
  }

  /** Whether our player is in the server's state (inputs are sent from then on). */
  get playing(): boolean {
    return this.prediction?.server?.entities[PLAYER_ENTITIES]?.has(this.sessionId) === true;
  }

  /** The predicted world (undefined before the first state): what the frames are drawn from. */
  get predicted(): W | undefined {
    return this.prediction?.predicted;
  }

  /** The newest server state, as received (tests, the debug hook). */
  server(): ReplicaView | undefined {
    return this.prediction?.server;
  }

  /**
   * Send every input that is due (one per fixed step, `sample` asked once for each) and step the
   * prediction with it. Call once per frame, before `frame()`.
   */
  update(nowMs: number, sample: () => Omit<I, 'seq'>): void {
    if (this.status !== 'playing') return;
    if (this.keeper.serverQuiet || !this.playing) {
      // The server is not answering (inputs sent now would land later as one burst), or our
      // player is not in its state yet (an input stepped into a prediction without us would be
      // lost, and its acknowledgement would pull us back by it).
      this.pacer.reset();
      return;
    }
    if (this.pacer.tooFarAhead(this.seq.last - this.seq.acked(this.input), this.clock.smoothedRtt())) {
      // The server is not taking inputs (a stall): more would overflow its buffer, which drops
      // the oldest as if applied. Stand still; resume without a burst when acknowledgements come.
      this.pacer.reset();
      return;
    }
    const steps = this.pacer.advance(nowMs);
    for (let i = 0; i < steps; i++) this.sendInput(sample() as Record<string, unknown>);
  }

  /** The world to draw now (undefined before the first state). */
  frame(nowMs: number): ReplicaFrame | undefined {
    const dtMs = this.lastFrameMs === undefined ? 0 : Math.min(MAX_DECAY_STEP_MS, Math.max(0, nowMs - this.lastFrameMs));
    this.lastFrameMs = nowMs;
    this.smoother.decay(dtMs);
    const p = this.prediction;
    if (p?.previous === undefined || p.current === undefined || p.server === undefined) return undefined;
    return { tick: p.current.tick, serverTick: p.server.tick, match: p.server.match, entities: this.smoother.draw(p.previous, p.current, this.pacer.alpha) };
  }

  stats(): ReplicaStats {
    return {
      // Inputs in our wire sequence, which keeps growing across reconnections (inputSeq.ts).
      ...connectionStats(this.room, this.clock, this.pacer, { sent: this.seq.last, acked: this.seq.acked(this.input), latencyMs: this.acks.smoothedMs }, performance.now()),
      unacknowledged: this.prediction?.unacknowledged.length ?? 0,
      ownCorrections: this.ownCorrections,
      lastOwnCorrectionPx: this.lastOwnCorrectionPx,
      maxCorrectionPx: this.maxCorrectionPx,
    };
  }

  sendChat(text: string): void {
    if (this.status === 'playing') this.room.send('chat', { text });
  }

  /** The page is going away: leave at once, synchronously (net/leaving.ts). */
  leaveNow(): void {
    leaveAtOnce(this.room, this.keeper, this.status);
  }

  leave(): Promise<void> {
    return leaveRoom(this.room, this.keeper, this.status, (code) => this.close(code));
  }

  private sendInput(sample: Record<string, unknown>): void {
    // Not the SDK's `sentCount + 1`: that restarts at 1 on a reconnection (inputSeq.ts).
    const input = asSent<I>(this.game.input, { ...sample, seq: this.seq.next(this.input) });
    Object.assign(this.input.data as object, input);
    if (this.input.send() === 0) return;
    this.acks.sent(input.seq, performance.now());
    this.prediction?.step(input);
  }

  private onPatch(): void {
    const state = this.room.state as Record<string, unknown> | undefined;
    if (state === undefined || typeof state.mapId !== 'string' || state.mapId === '') return;
    this.readMatch(state);
    if (this.prediction === undefined) {
      const map = this.mapOf(state.mapId);
      if (map === undefined) return;
      this.prediction = new ReplicaPrediction(this.game, map, this.sessionId);
    }
    const p = this.prediction;
    const alpha = this.pacer.alpha;
    const before = p.previous !== undefined && p.current !== undefined ? positionsAt(p.previous, p.current, alpha) : undefined;
    const acked = this.seq.acked(this.input);
    // In our wire numbering (sends and acknowledgements alike), which keeps growing across reconnections.
    this.acks.acknowledged(acked, performance.now(), (seq, latencyMs) => this.events.emit('inputAck', { seq, latencyMs }));
    p.reconcile(readReplica(this.layout, state), acked);
    if (before === undefined) return;
    const sizes = this.smoother.corrected(before, positionsAt(p.previous!, p.current!, alpha));
    const ownKey = `${PLAYER_ENTITIES}/${this.sessionId}`;
    for (const [key, size] of sizes) {
      this.maxCorrectionPx = Math.max(this.maxCorrectionPx, size);
      const own = key === ownKey;
      if (own) {
        this.ownCorrections++;
        this.lastOwnCorrectionPx = size;
      }
      this.events.emit('correction', { key, sizePx: size, own });
    }
  }

  private mapOf(mapId: string): GameMap | undefined {
    return this.game.rooms.find((r) => r.map?.id === mapId)?.map;
  }

  /** The match info rides in the state (the engine's fields, server/state/replicatedState.ts): emit it when it changes. */
  private readMatch(state: Record<string, unknown>): void {
    const endsAt = Number(state.matchEndsAtTick);
    const info: MatchInfo = { endsAtTick: endsAt < 0 ? null : endsAt, draining: state.draining === true, reconnectWindowS: Number(state.reconnectWindowS) };
    const m = this.match;
    if (m !== undefined && m.endsAtTick === info.endsAtTick && m.draining === info.draining && m.reconnectWindowS === info.reconnectWindowS) return;
    this.match = info;
    this.keeper.setWindow(info.reconnectWindowS);
    this.events.emit('match', info);
  }

  private onReport(m: NetReport): void {
    if (!Array.isArray(m) || m.length < 4 || !m.every((v) => typeof v === 'number')) return;
    const [id, rttMs, spare, late] = m;
    if (rttMs >= 0) this.clock.pingSample(rttMs);
    this.pacer.onReport(spare, late, performance.now());
    // Nothing is drawn behind the data (no interpolation delay to compensate for): 0.
    const pong: NetPong = [id, 0];
    if (this.status === 'playing') this.room.send('netp', pong);
  }

  private onConnection(change: ConnectionChange): void {
    if (this.status === 'closed') return;
    this.status = change.status;
    if (change.status === 'playing') {
      // Resume sending from now, not with a burst for the time away; nothing sent on the old
      // connection will be applied any more.
      this.pacer.reset();
      this.prediction?.forgetPending();
    }
    this.events.emit('connection', change);
  }

  private close(code: number): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    this.keeper.stop();
    this.events.emit('closed', { code, reason: this.keeper.endReason(code) ?? describeClose(code) });
  }
}
