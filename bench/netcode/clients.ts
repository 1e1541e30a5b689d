import { Predict, type InputHandle } from '@colyseus/sdk';
import { getMap } from '../../shared/maps.ts';
import { stepMovement } from '../../shared/sim/movement.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { linkOf } from '../../game-client/net/netClient.ts';
import type { NetSimConfig } from '../../game-client/net/netsim/config.ts';
import { InputClock } from '../../game-client/net/inputClock.ts';
import { playerView, type PlayerView, type RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import type { PlayerStateView } from '../../game-client/net/stateTypes.ts';
import { joinRoomById, type ArenaRoom } from '../../tools/harness/joins.ts';
import { waitFor } from '../../tools/harness/wait.ts';
import { ClientMetrics } from './metrics.ts';

/** A client the benchmark drives: sends inputs, draws frames, measures itself. */
export interface BenchClient {
  readonly name: string;
  readonly metrics: ClientMetrics;
  update(nowMs: number, sample: () => InputSample): void;
  frame(nowMs: number): RenderFrame;
  kbpsDown(): number;
  leave(): Promise<void>;
}

const SEND_RING = 512;

/** Our netcode: `ArenaSession` (game-client/net). */
export class OursClient implements BenchClient {
  readonly name = 'ours';
  readonly metrics = new ClientMetrics();
  private lastUnderruns = 0;
  private bytesAt = { t: 0, bytes: 0 };

  private constructor(readonly session: ArenaSession) {
    session.events.on('inputAck', ({ latencyMs }) => this.metrics.ackLatencies.push(latencyMs));
    session.events.on('correction', (c) => this.metrics.correction(c.sizePx));
  }

  static async join(endpoint: string, code: string, netsim: NetSimConfig): Promise<OursClient> {
    return new OursClient(await new Lobby(endpoint, { netsim }).joinByCode(code, 'ours'));
  }

  update(nowMs: number, sample: () => InputSample): void {
    this.session.update(nowMs, sample);
  }

  frame(nowMs: number): RenderFrame {
    const f = this.session.frame(nowMs);
    const st = this.session.stats();
    this.metrics.frame(f.players.filter((p) => !p.isSelf));
    this.metrics.interp(st.interpDelayMs);
    this.metrics.underruns += st.underruns - this.lastUnderruns;
    this.lastUnderruns = st.underruns;
    return f;
  }

  reset(): void {
    this.lastUnderruns = this.session.stats().underruns;
    this.bytesAt = { t: performance.now(), bytes: this.session.stats().bytesDown };
  }

  kbpsDown(): number {
    return ((this.session.stats().bytesDown - this.bytesAt.bytes) * 8) / Math.max(1, performance.now() - this.bytesAt.t);
  }

  leave(): Promise<void> {
    return this.session.leave();
  }
}

/** Shared plumbing of the two baselines, which use the SDK directly. */
abstract class RawClient implements BenchClient {
  abstract readonly name: string;
  readonly metrics = new ClientMetrics();
  protected readonly input: InputHandle<any>;
  private readonly sentAt = new Float64Array(SEND_RING);
  private lastAcked = 0;
  private bytesAt = { t: 0, bytes: 0 };

  constructor(protected readonly room: ArenaRoom) {
    this.input = room.input();
    room.onStateChange(() => {
      const acked = this.input.lastProcessed;
      const now = performance.now();
      for (let s = Math.max(this.lastAcked + 1, acked - SEND_RING + 1); s <= acked; s++) {
        const t = this.sentAt[s % SEND_RING]!;
        if (t > 0) this.metrics.ackLatencies.push(now - t);
      }
      this.lastAcked = Math.max(this.lastAcked, acked);
    });
  }

  protected send(sample: InputSample, nowMs: number): void {
    const d = this.input.data;
    d.seq = this.input.sentCount + 1;
    d.moveX = sample.moveX;
    d.moveY = sample.moveY;
    d.aim = sample.aim;
    d.fire = sample.fire;
    const seq = this.input.send();
    if (seq > 0) this.sentAt[seq % SEND_RING] = nowMs;
  }

  abstract update(nowMs: number, sample: () => InputSample): void;
  abstract frame(nowMs: number): RenderFrame;

  reset(): void {
    this.bytesAt = { t: performance.now(), bytes: linkOf(this.room)?.meter.bytesDown ?? 0 };
  }

  kbpsDown(): number {
    return (((linkOf(this.room)?.meter.bytesDown ?? 0) - this.bytesAt.bytes) * 8) / Math.max(1, performance.now() - this.bytesAt.t);
  }

  protected view(id: string, p: PlayerStateView, x: number, y: number): PlayerView {
    return playerView(id, p, x, y, id === this.room.sessionId);
  }

  leave(): Promise<void> {
    return this.room.leave(true).then(() => undefined);
  }
}

/**
 * Colyseus 0.18's own stack with its defaults: `Predict.get(room)` (lerp, 100 ms delay) for
 * everyone, `predict.reconciler` for our player (default smoothing, no snap), and inputs paced
 * by `predict.tick()` (a fixed 30 Hz accumulator). Same shared step as ours.
 */
export class PredictDefaultsClient extends RawClient {
  readonly name = 'colyseus-predict';
  private readonly predict: Predict<any>;
  private me: any;

  static async join(endpoint: string, code: string, netsim: NetSimConfig): Promise<PredictDefaultsClient> {
    const room = await joinRoomById(endpoint, code, { name: 'predict' }, { netsim });
    const client = new PredictDefaultsClient(room);
    await waitFor('own player', () => room.state.players.get(room.sessionId), { timeoutMs: 5000 });
    client.attach();
    return client;
  }

  private constructor(room: ArenaRoom) {
    super(room);
    this.predict = Predict.get(room as any);
  }

  private attach(): void {
    const map = getMap(this.room.state.mapId);
    this.predict.attachAll('players', { x: 'lerp', y: 'lerp' } as any);
    this.me = this.predict.reconciler(this.room.state.players.get(this.room.sessionId) as any, {
      input: this.input,
      fields: ['x', 'y', 'vx', 'vy', 'alive'],
      step: (ctx: { dt: number }, s: any, cmd: any) => { if (s.alive) stepMovement(s, Math.sign(cmd.moveX), Math.sign(cmd.moveY), ctx.dt, map); },
    } as any);
  }

  update(nowMs: number, sample: () => InputSample): void {
    const before = { x: this.me.state.x, y: this.me.state.y, seq: this.me.reconcileSeq };
    const steps = this.predict.tick(nowMs);
    if (this.me.reconcileSeq !== before.seq) {
      const size = Math.hypot(this.me.state.x - before.x, this.me.state.y - before.y);
      if (size > 0) this.metrics.correction(size);
    }
    for (let i = 0; i < steps; i++) this.send(sample(), nowMs);
  }

  frame(): RenderFrame {
    const clock = this.room.clock;
    // Where its lerp renders on the server timeline, against the newest sample it holds.
    const target = clock.serverNow() - 100 - clock.smoothedRtt() / 2;
    const newest = clock.lastServerTime();
    this.metrics.interp(newest - target);
    const dry = newest > 0 && target >= newest;
    if (dry && !this.dryNow) this.metrics.underruns++;
    this.dryNow = dry;
    const players: PlayerView[] = [];
    this.room.state.players.forEach((p, id) => {
      players.push(this.view(id, p, this.predict.value(p as any, 'x' as never), this.predict.value(p as any, 'y' as never)));
    });
    this.metrics.frame(players.filter((p) => !p.isSelf));
    return { tick: this.room.state.tick, mapId: this.room.state.mapId, self: players.find((p) => p.isSelf), players, projectiles: [] };
  }

  private dryNow = false;
}

/** No prediction, no interpolation: draws the latest state it received; inputs at a fixed 30 Hz. */
export class NaiveClient extends RawClient {
  readonly name = 'naive-latest';
  private readonly clock = new InputClock();

  static async join(endpoint: string, code: string, netsim: NetSimConfig): Promise<NaiveClient> {
    return new NaiveClient(await joinRoomById(endpoint, code, { name: 'naive' }, { netsim }));
  }

  update(nowMs: number, sample: () => InputSample): void {
    const steps = this.clock.advance(nowMs);
    for (let i = 0; i < steps; i++) this.send(sample(), nowMs);
  }

  frame(): RenderFrame {
    const players: PlayerView[] = [];
    this.room.state.players.forEach((p, id) => players.push(this.view(id, p, p.x, p.y)));
    this.metrics.frame(players.filter((p) => !p.isSelf));
    return { tick: this.room.state.tick, mapId: this.room.state.mapId, self: players.find((p) => p.isSelf), players, projectiles: [] };
  }
}
