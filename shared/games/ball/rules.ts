import type { GameMap } from '../../maps.ts';
import { quantize } from '../../math.ts';
import { stepMovement } from '../../sim/movement.ts';
import { PLAYER_RADIUS_PX } from '../../tuning.ts';
import type { BallInput } from './input.ts';

/*
 * A top-down ball game: two teams, one ball that no player owns, a goal in each end wall. Players
 * move as in the arena (shared/sim/movement.ts, so client prediction is the same code); the ball
 * is pushed by whoever touches it and kicked by whoever holds kick while touching it. Only + - * /
 * and sqrt, and every position and velocity on the 1/8 px grid: deterministic everywhere.
 */

// --- Tuning (px, seconds, ticks) ---
export const BALL_RADIUS_PX = 14;
/** Share of its speed the ball keeps each tick (rolling friction). */
export const BALL_KEEP_PER_TICK = 0.97;
/** Share of its speed the ball keeps off a wall. */
export const BALL_BOUNCE = 0.8;
/** Speed a kick adds along the line from the kicker through the ball. */
export const KICK_SPEED_PX_PER_S = 520;
/** A push passes this share of the player's speed toward the ball on to it, on top of separating them. */
export const PUSH_SHARE = 1.15;
export const BALL_MAX_SPEED_PX_PER_S = 900;
/** Goal mouth height, centred on each end wall. */
export const GOAL_MOUTH_PX = 260;
/** Ticks after a goal before play restarts from kickoff positions. */
export const KICKOFF_DELAY_TICKS = 60;
/** The match ends when a team has scored this many. */
export const GOALS_TO_WIN = 5;

/** The pitch: no obstacles; players of team 0 defend the left goal. */
export const PITCH: GameMap = {
  id: 'pitch',
  widthPx: 1600,
  heightPx: 960,
  obstacles: [],
  spawns: [{ x: 400, y: 480 }, { x: 1200, y: 480 }],
};

export type Team = 0 | 1;

export interface BallPlayer {
  readonly id: string;
  readonly name: string;
  readonly team: Team;
  x: number;
  y: number;
  vx: number;
  vy: number;
  lastInputSeq: number;
  goals: number;
}

export interface Ball { x: number; y: number; vx: number; vy: number }

export type BallEvent = { type: 'goal'; team: Team; scorerId: string | undefined; tick: number };

export interface BallWorld {
  readonly map: GameMap;
  tick: number;
  readonly players: Map<string, BallPlayer>;
  readonly ball: Ball;
  /** Goals by team. */
  readonly score: [number, number];
  /** Play is held until this tick (after a goal). */
  resumeTick: number;
  /** Last player to touch the ball (credited with a goal into the other team's net). */
  lastTouchId: string | undefined;
  /** -1 while the match runs; then the winning team. */
  winner: -1 | Team;
  /** What happened in the last step. */
  events: BallEvent[];
}

export function createBallWorld(map: GameMap = PITCH): BallWorld {
  const world: BallWorld = { map, tick: 0, players: new Map(), ball: { x: 0, y: 0, vx: 0, vy: 0 }, score: [0, 0], resumeTick: 0, lastTouchId: undefined, winner: -1, events: [] };
  kickoff(world);
  return world;
}

/** Joins the smaller team (team 0 on a tie), at its kickoff spot. */
export function addBallPlayer(world: BallWorld, id: string, name: string): BallPlayer {
  let left = 0;
  for (const p of world.players.values()) if (p.team === 0) left++;
  const team: Team = left <= world.players.size - left ? 0 : 1;
  const player: BallPlayer = { id, name, team, x: 0, y: 0, vx: 0, vy: 0, lastInputSeq: 0, goals: 0 };
  world.players.set(id, player);
  place(world, player, teamIndex(world, player));
  return player;
}

/**
 * A team's place in the match as it stands: 1 when it leads or is level, 2 when behind. Both of a
 * team's players share it, whoever scored (a 2v2 is won or lost together; its rating says so).
 */
export function teamPlacing(world: BallWorld, team: Team): 1 | 2 {
  return world.score[team] >= world.score[team === 0 ? 1 : 0] ? 1 : 2;
}

export function removeBallPlayer(world: BallWorld, id: string): void {
  world.players.delete(id);
  if (world.lastTouchId === id) world.lastTouchId = undefined;
}

function teamIndex(world: BallWorld, player: BallPlayer): number {
  let i = 0;
  for (const p of world.players.values()) {
    if (p === player) return i;
    if (p.team === player.team) i++;
  }
  return i;
}

/** A player's kickoff spot: in its own half, spread across the pitch by its place in the team. */
function place(world: BallWorld, p: BallPlayer, index: number): void {
  const { widthPx, heightPx } = world.map;
  const column = Math.floor(index / 4);
  const row = index % 4;
  const fromGoal = widthPx * 0.3 - column * 120;
  p.x = quantize(p.team === 0 ? fromGoal : widthPx - fromGoal);
  p.y = quantize(heightPx * (0.2 + row * 0.2));
  p.vx = 0;
  p.vy = 0;
}

function kickoff(world: BallWorld): void {
  const ball = world.ball;
  ball.x = world.map.widthPx / 2;
  ball.y = world.map.heightPx / 2;
  ball.vx = 0;
  ball.vy = 0;
  world.lastTouchId = undefined;
  const seen: [number, number] = [0, 0];
  for (const p of world.players.values()) place(world, p, seen[p.team]++);
}

/** One fixed step: players move by their input (at most one each), the ball rolls, goals count. */
export function stepBall(world: BallWorld, inputs: ReadonlyMap<string, BallInput>, dtS: number): void {
  world.tick++;
  world.events.length = 0;
  if (world.winner !== -1) return;
  if (world.tick < world.resumeTick) return;
  if (world.tick === world.resumeTick && world.resumeTick > 0) kickoff(world);
  for (const p of world.players.values()) {
    const input = inputs.get(p.id);
    if (input !== undefined && input.seq > p.lastInputSeq) {
      p.lastInputSeq = input.seq;
      stepMovement(p, input.moveX, input.moveY, dtS, world.map);
      touch(world, p, true, input.kick);
    } else {
      // No input this step (late or lost on its way): the player holds, as in the arena, so where a
      // client predicts itself (its inputs, in order) never depends on when they arrived. Its body
      // still stops the ball.
      touch(world, p, false, false);
    }
  }
  roll(world, dtS);
}

/** The ball against one player: pushed out of the body, pushed along by a player that moved, kicked. */
function touch(world: BallWorld, p: BallPlayer, moved: boolean, kick: boolean): void {
  const b = world.ball;
  const dx = b.x - p.x;
  const dy = b.y - p.y;
  const reach = PLAYER_RADIUS_PX + BALL_RADIUS_PX;
  const d2 = dx * dx + dy * dy;
  if (d2 >= reach * reach) return;
  const d = Math.sqrt(d2);
  // Straight on top of each other: push toward the far goal of the player's team.
  const nx = d > 0 ? dx / d : p.team === 0 ? 1 : -1;
  const ny = d > 0 ? dy / d : 0;
  b.x = p.x + nx * reach;
  b.y = p.y + ny * reach;
  const toward = moved ? p.vx * nx + p.vy * ny : 0;
  const ballAlong = b.vx * nx + b.vy * ny;
  if (toward * PUSH_SHARE > ballAlong) {
    b.vx += (toward * PUSH_SHARE - ballAlong) * nx;
    b.vy += (toward * PUSH_SHARE - ballAlong) * ny;
  }
  if (kick) {
    b.vx += nx * KICK_SPEED_PX_PER_S;
    b.vy += ny * KICK_SPEED_PX_PER_S;
  }
  world.lastTouchId = p.id;
}

function roll(world: BallWorld, dtS: number): void {
  const b = world.ball;
  const { widthPx, heightPx } = world.map;
  const speed2 = b.vx * b.vx + b.vy * b.vy;
  if (speed2 > BALL_MAX_SPEED_PX_PER_S * BALL_MAX_SPEED_PX_PER_S) {
    const k = BALL_MAX_SPEED_PX_PER_S / Math.sqrt(speed2);
    b.vx *= k;
    b.vy *= k;
  }
  b.x += b.vx * dtS;
  b.y += b.vy * dtS;
  b.vx *= BALL_KEEP_PER_TICK;
  b.vy *= BALL_KEEP_PER_TICK;
  const r = BALL_RADIUS_PX;
  const inMouth = b.y > (heightPx - GOAL_MOUTH_PX) / 2 && b.y < (heightPx + GOAL_MOUTH_PX) / 2;
  if (inMouth && (b.x < 0 || b.x > widthPx)) {
    // Into the left goal: the right team (1) scores, and the other way round.
    goal(world, b.x < 0 ? 1 : 0);
    return;
  }
  if (!inMouth && b.x < r) { b.x = r; b.vx = -b.vx * BALL_BOUNCE; }
  if (!inMouth && b.x > widthPx - r) { b.x = widthPx - r; b.vx = -b.vx * BALL_BOUNCE; }
  if (b.y < r) { b.y = r; b.vy = -b.vy * BALL_BOUNCE; }
  if (b.y > heightPx - r) { b.y = heightPx - r; b.vy = -b.vy * BALL_BOUNCE; }
  b.x = quantize(b.x);
  b.y = quantize(b.y);
  b.vx = quantize(b.vx);
  b.vy = quantize(b.vy);
}

function goal(world: BallWorld, team: Team): void {
  world.score[team]++;
  const scorer = world.lastTouchId === undefined ? undefined : world.players.get(world.lastTouchId);
  // An own goal counts for the team, not for the player.
  if (scorer !== undefined && scorer.team === team) scorer.goals++;
  world.events.push({ type: 'goal', team, scorerId: scorer?.team === team ? scorer.id : undefined, tick: world.tick });
  if (world.score[team] >= GOALS_TO_WIN) world.winner = team;
  world.resumeTick = world.tick + KICKOFF_DELAY_TICKS;
  const b = world.ball;
  b.vx = 0;
  b.vy = 0;
  b.x = quantize(b.x < 0 ? -BALL_RADIUS_PX : b.x > world.map.widthPx ? world.map.widthPx + BALL_RADIUS_PX : b.x);
}

/** A checksum of everything the step depends on (FNV-1a over the numbers, in join order). */
export function hashBallWorld(world: BallWorld): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    const s = String(v);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2c, 0x01000193) >>> 0;
  };
  mix(world.tick); mix(world.resumeTick); mix(world.score[0]); mix(world.score[1]); mix(world.winner);
  const b = world.ball;
  mix(b.x); mix(b.y); mix(b.vx); mix(b.vy);
  for (const p of world.players.values()) { mix(p.team); mix(p.x); mix(p.y); mix(p.vx); mix(p.vy); mix(p.lastInputSeq); mix(p.goals); }
  return h.toString(16).padStart(8, '0');
}
