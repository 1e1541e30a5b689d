import type { InputHandle } from '@colyseus/sdk';
import { InputClock } from '../../game-client/net/inputClock.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { linkOf } from '../../game-client/net/netClient.ts';
import type { NetSimConfig } from '../../game-client/net/netsim/config.ts';
import type { ReplicaSession } from '../../game-client/net/replicaSession.ts';
import { BALL_GAME, BALL_ROOM } from '../../shared/games/ball/definition.ts';
import type { BallInput } from '../../shared/games/ball/input.ts';
import { PITCH, type BallWorld } from '../../shared/games/ball/rules.ts';
import { strikerInput, type Point } from '../../tools/bots/ballStriker.ts';
import { joinRoomById, type ArenaRoom } from '../../tools/harness/joins.ts';
import { waitFor } from '../../tools/harness/wait.ts';
import { ClientMetrics, RESPAWN_JUMP_PX } from './metrics.ts';

/**
 * The ball game's clients for `npm run bench:netcode`: ours (game-client/net/replicaSession.ts,
 * the whole world predicted, the ball included) and a naive one drawing the latest state, both
 * playing the striker behaviour (tools/bots/ballStriker.ts) in one ball room. What they measure
 * is the arena rows' columns where they apply, plus the ball: how far each server state moved
 * the ball from where ours drew it (its prediction error), and per-frame jumps of what is drawn.
 */
export interface BallBenchClient {
  readonly name: string;
  readonly metrics: ClientMetrics;
  /** Corrections of the ball as drawn (px), kickoff teleports left out. */
  readonly ballCorrections: number[];
  update(nowMs: number): void;
  frame(nowMs: number): void;
  reset(): void;
  kbpsDown(): number;
  leave(): Promise<void>;
}

type Drawn = { id: string; x: number; y: number; alive: boolean };
type Team = 0 | 1;

/** Everything but our own player, as drawn this frame (a teleport, e.g. a kickoff, breaks the line). */
function remotes(players: Iterable<[string, Point]>, ball: Point | undefined, selfId: string): Drawn[] {
  const out: Drawn[] = [];
  for (const [id, p] of players) if (id !== selfId) out.push({ id, x: p.x, y: p.y, alive: true });
  if (ball !== undefined) out.push({ id: 'ball', x: ball.x, y: ball.y, alive: true });
  return out;
}

/** Per-frame moves past this are teleports (kickoff), kept out of the jerk percentile as respawns are. */
function withoutTeleports(last: Map<string, Point>, drawn: Drawn[]): Drawn[] {
  return drawn.map((d) => {
    const before = last.get(d.id);
    last.set(d.id, { x: d.x, y: d.y });
    return before !== undefined && Math.hypot(d.x - before.x, d.y - before.y) > RESPAWN_JUMP_PX ? { ...d, alive: false } : d;
  });
}

/** Ours: the ball game's replica session. */
export class OursBallClient implements BallBenchClient {
  readonly name = 'ours';
  readonly metrics = new ClientMetrics();
  readonly ballCorrections: number[] = [];
  private readonly last = new Map<string, Point>();
  private bytesAt = { t: 0, bytes: 0 };

  private constructor(readonly session: ReplicaSession<BallWorld, BallInput>) {
    session.events.on('inputAck', ({ latencyMs }) => this.metrics.ackLatencies.push(latencyMs));
    session.events.on('correction', ({ key, sizePx, own }) => {
      if (own) this.metrics.correction(sizePx);
      else if (key === 'balls/ball' && sizePx <= RESPAWN_JUMP_PX) this.ballCorrections.push(sizePx);
    });
  }

  /** Joins `code` (a ball room), or opens a new ball room without one. */
  static async join(endpoint: string, code: string | undefined, netsim: NetSimConfig, name = 'ours'): Promise<OursBallClient> {
    const lobby = new Lobby(endpoint, { netsim, roomName: BALL_ROOM, games: [BALL_GAME] });
    const session = code === undefined ? await lobby.playGame(BALL_GAME, name) : await lobby.enterByCode(code, name);
    return new OursBallClient(session as ReplicaSession<BallWorld, BallInput>);
  }

  get code(): string {
    return this.session.code;
  }

  update(nowMs: number): void {
    this.session.update(nowMs, () => {
      const world = this.session.predicted;
      const me = world?.players.get(this.session.sessionId);
      if (world === undefined || me === undefined) return { moveX: 0, moveY: 0, kick: false };
      return strikerInput(me, world.ball, me.team, PITCH);
    });
  }

  frame(nowMs: number): void {
    const f = this.session.frame(nowMs);
    if (f === undefined) return;
    const players = [...(f.entities.players ?? new Map())].map(([id, v]) => [id, { x: Number(v.x), y: Number(v.y) }] as [string, Point]);
    const ball = f.entities.balls?.get('ball');
    this.metrics.frame(withoutTeleports(this.last, remotes(players, ball && { x: Number(ball.x), y: Number(ball.y) }, this.session.sessionId)));
  }

  reset(): void {
    this.bytesAt = { t: performance.now(), bytes: this.session.stats().bytesDown };
  }

  kbpsDown(): number {
    return ((this.session.stats().bytesDown - this.bytesAt.bytes) * 8) / Math.max(1, performance.now() - this.bytesAt.t);
  }

  leave(): Promise<void> {
    return this.session.leave();
  }
}

/** No prediction, no interpolation: draws the latest state it received; inputs at a fixed 30 Hz. */
export class NaiveBallClient implements BallBenchClient {
  readonly name = 'naive latest-state';
  readonly metrics = new ClientMetrics();
  readonly ballCorrections: number[] = [];
  private readonly input: InputHandle<any>;
  private readonly clock = new InputClock();
  private readonly sentAt = new Map<number, number>();
  private readonly last = new Map<string, Point>();
  private seq = 0;
  private bytesAt = { t: 0, bytes: 0 };

  private constructor(private readonly room: ArenaRoom) {
    this.input = room.input();
    room.onStateChange(() => {
      // The room's acknowledgement (inputs taken), not the state's lastInputSeq: that stands still
      // while a kickoff holds play, which is not input latency.
      const applied = this.input.lastProcessed;
      const now = performance.now();
      for (const [seq, t] of this.sentAt) {
        if (seq > applied) continue;
        this.metrics.ackLatencies.push(now - t);
        this.sentAt.delete(seq);
      }
    });
  }

  static async join(endpoint: string, code: string, netsim: NetSimConfig): Promise<NaiveBallClient> {
    const room = await joinRoomById(endpoint, code, { name: 'naive' }, { netsim });
    await waitFor('own player', () => (room.state as any).players?.get(room.sessionId), { timeoutMs: 5000 });
    return new NaiveBallClient(room);
  }

  update(nowMs: number): void {
    const state = this.room.state as any;
    const me = state.players?.get(this.room.sessionId);
    const ball = state.balls?.get('ball');
    const steps = this.clock.advance(nowMs);
    for (let i = 0; i < steps && me !== undefined && ball !== undefined; i++) {
      Object.assign(this.input.data as object, { seq: ++this.seq, ...strikerInput(me, ball, me.team as Team, PITCH) });
      if (this.input.send() > 0) this.sentAt.set(this.seq, nowMs);
    }
  }

  frame(): void {
    const state = this.room.state as any;
    const players: Array<[string, Point]> = [];
    state.players?.forEach((p: Point, id: string) => players.push([id, { x: p.x, y: p.y }]));
    const ball = state.balls?.get('ball');
    this.metrics.frame(withoutTeleports(this.last, remotes(players, ball, this.room.sessionId)));
  }

  reset(): void {
    this.bytesAt = { t: performance.now(), bytes: linkOf(this.room)?.meter.bytesDown ?? 0 };
  }

  kbpsDown(): number {
    return (((linkOf(this.room)?.meter.bytesDown ?? 0) - this.bytesAt.bytes) * 8) / Math.max(1, performance.now() - this.bytesAt.t);
  }

  leave(): Promise<void> {
    return this.room.leave(true).then(() => undefined);
  }
}
