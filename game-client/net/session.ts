import type { InputHandle, Room } from '@colyseus/sdk';
import { NET_PONG_DELAY_MAX_MS, VIEW_TICK_MODULO } from '../../shared/limits.ts';
import { crowdGrid, type CrowdGrid } from '../../shared/crowd.ts';
import { getMap, type GameMap } from '../../shared/maps.ts';
import type { MatchInfo, NetPong, NetReport, ServerMessages } from '../../shared/messages.ts';
import { AckLatency } from './ackLatency.ts';
import { NetClock } from './clock.ts';
import { connectionStats } from './connectionStats.ts';
import { describeClose } from './closeReasons.ts';
import { summarizeCorrections } from './corrections.ts';
import { Emitter } from './emitter.ts';
import { leaveAtOnce, leaveRoom } from './leaving.ts';
import type { NetStats } from './netStats.ts';
import { InputPacer, type PacerOptions } from './pacer.ts';
import { PlayoutClock, type PlayoutOptions } from './playout.ts';
import { OwnPrediction, type Correction } from './prediction.ts';
import { playerView, type CrowdView, type PlayerView, type ProjectileView, type RenderFrame, type ScoreLine } from './renderModel.ts';
import { shotAt, SnapshotBuffer, type ShotPath, type SnapshotBufferOptions } from './snapshots.ts';
import { InputSequence } from './inputSeq.ts';
import { ConnectionKeeper, type ConnectionChange, type ReconnectOptions } from './reconnect.ts';
import type { ArenaStateView } from './stateTypes.ts';

export type { NetStats } from './netStats.ts';

/** What the player wants this tick, as read from keyboard and mouse (or a bot's brain). */
export interface InputSample {
  moveX: number;
  moveY: number;
  /** Aim in 1/65536 turns (see shared/math.ts radiansToAim). */
  aim: number;
  fire: boolean;
}

export type InputSampler = () => InputSample;

export interface SessionEvents extends Record<string, unknown> {
  kill: ServerMessages['kill'];
  chat: ServerMessages['chat'];
  /** The room connection ended for good; `reason` is for people. */
  closed: { code: number; reason: string };
  /** The reconciler corrected our own player (see prediction.ts). */
  correction: Correction;
  /** The server acknowledged input `seq`, `latencyMs` after we sent it. */
  inputAck: { seq: number; latencyMs: number };
  /** Connection lost / back (status `reconnecting` / `playing`); see net/reconnect.ts. */
  connection: ConnectionChange;
  /** Match clock and drain notice (server/lifecycle/matchLifecycle.ts), from the state: on join and whenever it changes. */
  match: MatchInfo;
  /** Final scores; the room closes right after. */
  matchEnd: ServerMessages['matchEnd'];
}

export interface SessionOptions {
  /** Reconnection tuning and the room-exists probe (game-client/net/reconnect.ts). */
  reconnect?: ReconnectOptions;
  /** Netcode tuning overrides (dev, tests, benchmarks). */
  tuning?: NetTuning;
}

/** Overrides of the netcode's tuning (dev, tests, benchmarks); defaults are in each module. */
export interface NetTuning {
  playout?: Partial<PlayoutOptions>;
  pacer?: Partial<PacerOptions>;
  snapshots?: Partial<SnapshotBufferOptions>;
}

const FIRST_STATE_TIMEOUT_MS = 10_000;

/** A shot as drawn at `tick`, or undefined when it is not in flight then. */
function projectileView(id: string, ownerId: string, path: ShotPath, tick: number, hit: boolean): ProjectileView | undefined {
  const at = shotAt(path, tick);
  if (at === undefined) return undefined;
  const end = shotAt(path, path.endTick)!;
  return { id, x: at.x, y: at.y, ownerId, vx: path.vx, vy: path.vy, spawnTick: path.spawnTick, endTick: path.endTick, endX: end.x, endY: end.y, hit };
}

/**
 * One player's connection to one arena room. Owns the Colyseus room and the netcode around it:
 * inputs paced by the server's buffer reports (pacer.ts), our own player predicted and
 * reconciled (prediction.ts), everyone else drawn on an adaptive interpolation timeline
 * (playout.ts, snapshots.ts), the clock fed by pings (clock.ts). Scenes and bots use this and
 * never touch the SDK.
 */
export class ArenaSession {
  readonly events = new Emitter<SessionEvents>();
  readonly sessionId: string;
  readonly code: string;
  /** `reconnecting` while the connection is lost and being re-established (show it). */
  status: 'playing' | 'reconnecting' | 'closed' = 'playing';
  /** The match clock and seat window, from the room state (set before `open()` resolves). */
  match: MatchInfo | undefined;

  private readonly input: InputHandle<any>;
  private readonly clock = new NetClock();
  private readonly pacer: InputPacer;
  private readonly playout: PlayoutClock;
  private readonly buffer: SnapshotBuffer;
  private readonly prediction: OwnPrediction;
  private map: GameMap;
  private crowdGrid: CrowdGrid | undefined;
  /** The room's crowd map as of the last patch (maps larger than the view only). */
  private crowd: CrowdView | undefined;
  private readonly acks = new AckLatency();
  private readonly seq = new InputSequence();
  private readonly keeper: ConnectionKeeper;

  /** Wrap a freshly joined room; resolves once the first full state has arrived. */
  static async open(room: Room<any, ArenaStateView>, timeoutMs = FIRST_STATE_TIMEOUT_MS, options: SessionOptions = {}): Promise<ArenaSession> {
    const session = new ArenaSession(room, options);
    if (room.state?.players === undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The room sent no state.')), timeoutMs);
        room.onStateChange.once(() => { clearTimeout(timer); resolve(); });
      });
    }
    session.setMap(getMap(room.state.mapId));
    return session;
  }

  private constructor(private readonly room: Room<any, ArenaStateView>, options: SessionOptions) {
    const tuning = options.tuning ?? {};
    this.pacer = new InputPacer(tuning.pacer);
    this.playout = new PlayoutClock(tuning.playout);
    this.sessionId = room.sessionId;
    this.code = room.roomId;
    this.map = getMap('arena');
    // Our clock replaces the SDK's: RTT from pings (fresh while idle), offset from the fastest patches.
    this.clock.setPatchInterval(room.clock.patchInterval?.() ?? 0);
    room.clock = this.clock;
    // Handlers go on before the first await: messages queued at join are dispatched right away.
    this.input = room.input();
    this.buffer = new SnapshotBuffer(this.map, tuning.snapshots);
    this.prediction = new OwnPrediction(room, this.input, this.map, this.sessionId, (c) => this.events.emit('correction', c));
    this.keeper = new ConnectionKeeper(room, options.reconnect ?? {}, (change) => this.onConnection(change));

    room.onMessage('kill', (m: ServerMessages['kill']) => this.events.emit('kill', m));
    room.onMessage('chat', (m: ServerMessages['chat']) => this.events.emit('chat', m));
    room.onMessage('chatHistory', (m: ServerMessages['chatHistory']) => m.lines.forEach((line) => this.events.emit('chat', line)));
    room.onMessage('net', (m: NetReport) => this.onReport(m));
    room.onStateChange(() => this.onPatch());
    room.onMessage('matchEnd', (m: ServerMessages['matchEnd']) => this.events.emit('matchEnd', m));
    room.onMessage('resumed', (m: ServerMessages['resumed']) => this.seq.resumed(m.lastInputSeq));
    room.onLeave((code: number) => this.close(code));
    if (room.state?.players !== undefined) this.onPatch();
  }

  /** Advance prediction and the input clock, and send every input that is due. Call once per frame, before `frame()`. */
  update(nowMs: number, sample: InputSampler): void {
    if (this.status !== 'playing') return;
    if (this.keeper.serverQuiet) {
      // The server is not answering: inputs sent now would arrive later as one burst.
      this.pacer.reset();
      return;
    }
    this.prediction.tick(nowMs);
    this.playout.advance(nowMs);
    if (!this.prediction.ready) {
      // Our body has not arrived yet (it comes with the patch after the join): an input sent now
      // would move us on the server but not in a prediction that does not exist yet, and the
      // first acknowledgement would pull us back by that move.
      this.pacer.reset();
      return;
    }
    if (this.pacer.tooFarAhead(this.seq.last - this.seq.acked(this.input), this.clock.smoothedRtt())) {
      // The server cannot be taking inputs (a stall): more would overflow its buffer, which drops
      // the oldest as if applied, and our player would snap back by every move it dropped.
      // Stand still instead, and resume without a burst when the acknowledgements come.
      this.pacer.reset();
      return;
    }
    const steps = this.pacer.advance(nowMs);
    for (let i = 0; i < steps; i++) this.sendInput(sample(), nowMs);
  }

  frame(nowMs: number): RenderFrame {
    const state = this.room.state;
    const renderTick = this.playout.advance(nowMs);
    this.buffer.prune(renderTick - 1);

    const players: PlayerView[] = [];
    this.buffer.render(renderTick, nowMs, this.sessionId, (id, p) => players.push(playerView(id, p, p.x, p.y, false)));
    const own = state.players.get(this.sessionId);
    if (own !== undefined) {
      // Where we are comes from prediction; everything else from the newest server state.
      const at = this.prediction.position() ?? own;
      players.push(playerView(this.sessionId, own, at.x, at.y, true));
    }

    // Everyone in the room is on the roster (the scoreboard); only bodies in our area are drawn.
    const roster: ScoreLine[] = [];
    state.players.forEach((p, id) => roster.push({ id, name: p.name, kills: p.kills, deaths: p.deaths, isSelf: id === this.sessionId }));

    const projectiles: ProjectileView[] = [];
    for (const p of this.buffer.projectiles.values()) {
      const view = projectileView(p.id, p.ownerId, p, renderTick, p.goneTick !== undefined && p.goneTick <= p.rangeEndTick);
      if (view !== undefined) projectiles.push(view);
    }
    for (const s of this.prediction.shots) {
      const view = projectileView(`predicted-${s.seq}`, this.sessionId, s, renderTick, false);
      if (view !== undefined) projectiles.push(view);
    }

    const frame: RenderFrame = { tick: renderTick, mapId: this.map.id, self: players.find((p) => p.isSelf), players, projectiles, roster };
    if (this.crowd !== undefined) frame.crowd = this.crowd;
    return frame;
  }

  stats(): NetStats {
    const now = performance.now();
    const corrections = summarizeCorrections(this.prediction.corrections, now);
    return {
      // Inputs in our wire sequence, which keeps growing across reconnections (inputSeq.ts).
      ...connectionStats(this.room, this.clock, this.pacer, { sent: this.seq.last, acked: this.seq.acked(this.input), latencyMs: this.acks.smoothedMs }, now),
      interpDelayMs: this.playout.delayMs,
      interpTargetMs: this.playout.targetDelayMs,
      interpBufferMs: this.playout.bufferMs,
      underruns: this.playout.underruns,
      corrections: this.prediction.correctionsTotal,
      correctionsPerSec: corrections.perSec,
      lastCorrectionPx: corrections.lastPx,
      maxCorrectionPx: corrections.maxPx,
      correctionJumps: corrections.jumps,
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

  private setMap(map: GameMap): void {
    this.map = map;
    this.crowdGrid = crowdGrid(map);
    this.buffer.setMap(map);
    this.prediction.setMap(map);
  }

  private sendInput(sample: InputSample, nowMs: number): void {
    const data = this.input.data;
    // Not `sentCount + 1`: the SDK restarts that at 0 on reconnect (see inputSeq.ts).
    data.seq = this.seq.next(this.input);
    data.moveX = sample.moveX;
    data.moveY = sample.moveY;
    data.aim = sample.aim;
    data.fire = sample.fire;
    // The tick we are looking at, for lag compensation: only shots need it, so only they pay for it.
    const viewTick = Math.max(0, Math.round(this.playout.renderTick));
    if (sample.fire) data.viewTick = viewTick % VIEW_TICK_MODULO;
    const seq = this.input.send();
    if (seq === 0) return;
    this.acks.sent(seq, nowMs);
    this.prediction.afterSend(seq, sample.fire, sample.aim, viewTick);
  }

  private onPatch(): void {
    const now = performance.now();
    const state = this.room.state;
    this.readMatch(state);
    this.readCrowd(state);
    this.playout.onSnapshot(state.tick, now);
    this.buffer.push(state);
    // In the SDK's numbering (`send()` returns it), which restarts on a new connection: reset there.
    this.acks.acknowledged(this.input.lastProcessed, now, (seq, latencyMs) => this.events.emit('inputAck', { seq, latencyMs }));
  }

  /** Copy the crowd map out of the state once per patch (frames are drawn far more often). */
  private readCrowd(state: ArenaStateView): void {
    const grid = this.crowdGrid;
    const cells = state.crowd;
    if (grid === undefined || cells === undefined || cells.length !== grid.cols * grid.rows) return;
    const counts = (this.crowd?.counts as number[] | undefined) ?? new Array<number>(cells.length).fill(0);
    for (let i = 0; i < cells.length; i++) counts[i] = cells[i]!;
    this.crowd = { cols: grid.cols, rows: grid.rows, counts };
  }

  /** The match info rides in the state (the engine's fields, ENGINE_STATE_FIELDS in shared/game/state.ts): emit it when it changes. */
  private readMatch(state: ArenaStateView): void {
    const endsAtTick = state.matchEndsAtTick < 0 ? null : state.matchEndsAtTick;
    const m = this.match;
    if (m !== undefined && m.endsAtTick === endsAtTick && m.draining === state.draining && m.reconnectWindowS === state.reconnectWindowS) return;
    const info: MatchInfo = { endsAtTick, draining: state.draining, reconnectWindowS: state.reconnectWindowS };
    this.match = info;
    this.keeper.setWindow(info.reconnectWindowS);
    this.events.emit('match', info);
  }

  private onReport(m: NetReport): void {
    if (!Array.isArray(m) || m.length < 4 || !m.every((v) => typeof v === 'number')) return;
    const [id, rttMs, spare, late] = m;
    if (rttMs >= 0) this.clock.pingSample(rttMs);
    this.pacer.onReport(spare, late, performance.now());
    // The delay the server compensates for: drawing ahead of the data (a moment after a shift of
    // the timeline) needs none, and the schema's range is the contract.
    const pong: NetPong = [id, Math.min(NET_PONG_DELAY_MAX_MS, Math.max(0, Math.round(this.playout.delayMs)))];
    if (this.status === 'playing') this.room.send('netp', pong);
  }

  private onConnection(change: ConnectionChange): void {
    if (this.status === 'closed') return;
    this.status = change.status;
    // Resume sending from now, not with a burst for the time spent away.
    if (change.status === 'playing') {
      this.pacer.reset();
      // The SDK numbers inputs from 1 again on the new connection.
      this.acks.reset();
    }
    this.events.emit('connection', change);
  }

  private close(code: number): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    this.prediction.dispose();
    this.keeper.stop();
    this.events.emit('closed', { code, reason: this.keeper.endReason(code) ?? describeClose(code) });
  }
}
