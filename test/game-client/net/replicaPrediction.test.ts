import { Encoder, Reflection } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { ReplicaPrediction } from '../../../game-client/net/replicaPrediction.ts';
import { CORRECTION_DECAY_MS, CORRECTION_SNAP_PX, CorrectionSmoother, positionsAt } from '../../../game-client/net/smoothing.ts';
import { readReplica, type Replica } from '../../../shared/game/state.ts';
import { BALL_GAME, BALL_ID, BALL_REPLICATED } from '../../../shared/games/ball/definition.ts';
import { emptyBallInput, type BallInput } from '../../../shared/games/ball/input.ts';
import { addBallPlayer, BALL_RADIUS_PX, createBallWorld, PITCH, stepBall, type BallWorld } from '../../../shared/games/ball/rules.ts';
import { TICK_DT_S } from '../../../shared/limits.ts';
import { PLAYER_RADIUS_PX } from '../../../shared/tuning.ts';
import { applyReplica, replicatedSchemaOf } from '../../../server/state/replicatedState.ts';

/**
 * The generic client prediction (game-client/net/replicaPrediction.ts) with the ball game, no
 * sockets: the server's world is stepped here as server/rooms/GameRoom.ts steps it (at most one
 * input per player per tick), its state goes through the real schema encoder and decoder (what
 * the SDK hands the session), and the client re-simulates on top of it.
 */

const SHAPE = replicatedSchemaOf(BALL_REPLICATED, 'ball_test');

/** The replica a client reads from `world`'s state after one full encode and decode, as the SDK decodes it. */
function overTheWire(world: BallWorld): Replica {
  const state = new SHAPE.State();
  applyReplica(SHAPE, state, BALL_GAME.replicate!(world));
  const encoder = new Encoder(state);
  const decoder = Reflection.decode<any>(Reflection.encode(encoder));
  decoder.decode(encoder.encodeAll());
  return readReplica(BALL_REPLICATED, decoder.state as Record<string, unknown>);
}

const ME = 'me';
const THEM = 'them';
let seq = 0;
const input = (moveX: number, moveY: number, kick = false): BallInput => ({ ...emptyBallInput(++seq), moveX, moveY, kick });

/** A server world with us (team 0) and another player (team 1). */
function serverWorld(): BallWorld {
  const world = createBallWorld();
  addBallPlayer(world, ME, 'Me');
  addBallPlayer(world, THEM, 'Them');
  return world;
}

/** One server tick: our input (when one arrived), and theirs. */
function serverStep(world: BallWorld, mine?: BallInput, theirs?: BallInput): void {
  const inputs = new Map<string, BallInput>();
  if (mine) inputs.set(ME, mine);
  if (theirs) inputs.set(THEM, theirs);
  stepBall(world, inputs, TICK_DT_S);
}

function client(world: BallWorld): ReplicaPrediction<BallWorld, BallInput> {
  const p = new ReplicaPrediction(BALL_GAME, PITCH, ME);
  p.reconcile(overTheWire(world), 0);
  return p;
}

const at = (p: ReplicaPrediction<BallWorld, BallInput>, kind: string, id: string) => {
  const v = p.current!.entities[kind]!.get(id)!;
  return { x: v.x as number, y: v.y as number };
};

describe('replica prediction with the ball game', () => {
  it('restores the server\'s world bit for bit from its decoded state (velocities included)', () => {
    const world = serverWorld();
    for (let i = 0; i < 20; i++) serverStep(world, input(1, 1), input(-1, 0));
    world.ball.vx = 123.375;
    world.ball.vy = -80.5;
    const restored = BALL_GAME.restore!(overTheWire(world), PITCH);
    expect(BALL_GAME.hash(restored)).toBe(BALL_GAME.hash(world));
    expect(restored.players.get(ME)!.vx).not.toBe(0);
  });

  it('predicts exactly what the server computes from the same inputs, and a reconciliation then moves nothing', () => {
    const world = serverWorld();
    const p = client(world);
    const sent = [input(1, 0), input(1, 1), input(1, 1), input(0, 1), input(0, 1), input(-1, 0), input(-1, 0, true), input(0, 0)];
    for (const i of sent) p.step(i);
    const predicted = BALL_GAME.hash(p.predicted!);
    const drawnBefore = positionsAt(p.previous!, p.current!, 0.5);

    // The server has taken five of them, one per tick; three are still on their way.
    for (const i of sent.slice(0, 5)) serverStep(world, i);
    p.reconcile(overTheWire(world), sent[4]!.seq);
    expect(p.unacknowledged.map((i) => i.seq)).toEqual(sent.slice(5).map((i) => i.seq));
    expect(BALL_GAME.hash(p.predicted!)).toBe(predicted);
    expect(positionsAt(p.previous!, p.current!, 0.5)).toEqual(drawnBefore);

    // ...and when it has taken them, its world is the prediction.
    for (const i of sent.slice(5)) serverStep(world, i);
    expect(BALL_GAME.hash(world)).toBe(predicted);
  });

  it('a late input costs our own player no correction: the server holds us for the step without it and applies it next', () => {
    const world = serverWorld();
    const p = client(world);
    const sent = [input(1, 0), input(1, 1), input(1, 1), input(0, 1)];
    for (const i of sent) p.step(i);
    const predicted = at(p, 'players', ME);
    serverStep(world, sent[0]);
    serverStep(world); // the second input was late
    serverStep(world, sent[1]);
    p.reconcile(overTheWire(world), sent[1]!.seq);
    expect(at(p, 'players', ME)).toEqual(predicted);
  });

  it('moves the ball we push and kick in the same step as our body, before the server has seen the input', () => {
    const world = serverWorld();
    const me = world.players.get(ME)!;
    // Just left of the ball, touching distance plus a step.
    me.x = world.ball.x - PLAYER_RADIUS_PX - BALL_RADIUS_PX - 4;
    me.y = world.ball.y;
    const p = client(world);
    const start = at(p, 'balls', BALL_ID);

    p.step(input(1, 0));
    p.step(input(1, 0));
    const pushed = at(p, 'balls', BALL_ID);
    expect(pushed.x).toBeGreaterThan(start.x);
    // The server's state has not moved (nothing reached it): the prediction alone did.
    expect(p.server!.entities.balls!.get(BALL_ID)!.x).toBe(start.x);

    const kicked = new ReplicaPrediction(BALL_GAME, PITCH, ME);
    kicked.reconcile(overTheWire(world), 0);
    kicked.step(input(1, 0, true));
    kicked.step(input(1, 0, true));
    const ball = kicked.predicted!.ball;
    expect(ball.vx).toBeGreaterThan(400);
    expect(at(kicked, 'balls', BALL_ID).x).toBeGreaterThan(pushed.x);
  });

  it('rolls the server\'s ball forward by our unacknowledged steps', () => {
    const world = serverWorld();
    world.ball.vx = 400;
    const p = client(world);
    for (let i = 0; i < 4; i++) p.step(input(0, 0));
    const expected = createBallWorld();
    Object.assign(expected.ball, world.ball);
    for (let i = 0; i < 4; i++) stepBall(expected, new Map(), TICK_DT_S);
    expect(p.predicted!.ball).toEqual(expected.ball);
  });

  it('holds other players where the server last had them (no input: the rules hold a player), and takes the server\'s word on the next state', () => {
    const world = serverWorld();
    for (let i = 0; i < 10; i++) serverStep(world, undefined, input(-1, 0));
    const p = client(world);
    const them = world.players.get(THEM)!;
    expect(them.vx).toBeLessThan(0);
    for (let i = 0; i < 3; i++) p.step(input(0, 0));
    expect(at(p, 'players', THEM)).toEqual({ x: them.x, y: them.y });

    // The server had their inputs: its state puts them where they really are.
    const mine = p.unacknowledged;
    for (const i of mine) serverStep(world, i, input(-1, 0));
    p.reconcile(overTheWire(world), mine[mine.length - 1]!.seq);
    expect(at(p, 'players', THEM)).toEqual({ x: them.x, y: them.y });
  });

  it('through a kickoff: inputs the server took while play was held count as acknowledged (the state\'s lastInputSeq does not move then), not replayed', () => {
    const world = serverWorld();
    world.resumeTick = world.tick + 3;
    const p = client(world);
    const sent = Array.from({ length: 7 }, () => input(1, 1));
    for (const i of sent) p.step(i);
    // Two ticks of hold: the room takes (and acknowledges) an input on each, the rules apply none.
    for (const i of sent.slice(0, 2)) serverStep(world, i);
    expect(world.players.get(ME)!.lastInputSeq).toBe(0);
    p.reconcile(overTheWire(world), sent[1]!.seq);
    expect(p.unacknowledged).toHaveLength(5);
    // The kickoff, and play.
    for (const i of sent.slice(2)) serverStep(world, i);
    expect(world.tick).toBeGreaterThan(world.resumeTick);
    expect(BALL_GAME.hash(p.predicted!)).toBe(BALL_GAME.hash(world));
  });

  it('forgets inputs the server will never apply (a reconnection), and bounds how many it keeps', () => {
    const p = client(serverWorld());
    for (let i = 0; i < 3; i++) p.step(input(1, 0));
    p.forgetPending();
    expect(p.unacknowledged).toEqual([]);
    for (let i = 0; i < 500; i++) p.step(input(0, 1));
    expect(p.unacknowledged.length).toBeLessThanOrEqual(60);
  });
});

describe('correction smoothing', () => {
  it('draws a correction as an offset that decays, and a teleport at once', () => {
    const world = serverWorld();
    const p = client(world);
    const sent = [input(1, 0), input(1, 0), input(1, 0)];
    for (const i of sent) p.step(i);
    const smoother = new CorrectionSmoother();
    const before = positionsAt(p.previous!, p.current!, 0.5);
    // The server has us elsewhere than we predicted (moved by what we could not know of).
    serverStep(world, sent[0]);
    world.players.get(ME)!.x -= 6;
    p.reconcile(overTheWire(world), sent[0]!.seq);
    const after = positionsAt(p.previous!, p.current!, 0.5);
    const sizes = smoother.corrected(before, after);
    expect(sizes.get(`players/${ME}`)).toBeGreaterThan(0);

    // Drawn where it was: no jump...
    const key = `players/${ME}`;
    const drawn = smoother.draw(p.previous!, p.current!, 0.5).players!.get(ME)!;
    expect(drawn.x).toBeCloseTo(before.get(key)!.x, 9);
    // ...then onto the corrected path, by e every CORRECTION_DECAY_MS.
    const offset = smoother.offset(key).x;
    smoother.decay(CORRECTION_DECAY_MS);
    expect(smoother.offset(key).x).toBeCloseTo(offset / Math.E, 9);
    smoother.decay(20 * CORRECTION_DECAY_MS);
    expect(smoother.offset(key)).toEqual({ x: 0, y: 0 });

    // A kickoff puts the ball back in the middle: drawn there at once.
    const jump = smoother.corrected(new Map([['balls/ball', { x: 40, y: 480 }]]), new Map([['balls/ball', { x: 800, y: 480 }]]));
    expect(jump.get('balls/ball')).toBeGreaterThan(CORRECTION_SNAP_PX);
    expect(smoother.offset('balls/ball')).toEqual({ x: 0, y: 0 });
  });
});
