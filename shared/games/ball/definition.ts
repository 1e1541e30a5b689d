import { defineGame } from '../../game/definition.ts';
import { defineReplicated, type Replica, type StateValues, type ValuesOf } from '../../game/state.ts';
import type { GameMap } from '../../maps.ts';
import { BALL_GAME_ID } from '../ids.ts';
import { BALL_INPUT, emptyBallInput, type BallInput } from './input.ts';
import { addBallPlayer, createBallWorld, hashBallWorld, PITCH, removeBallPlayer, stepBall, teamPlacing, type BallWorld, type Team } from './rules.ts';

/** The ball room's name. */
export const BALL_ROOM = 'ball';
/** Two against two. */
export const BALL_PLAYERS_PER_ROOM = 4;

/**
 * What every client of a ball room sees (the whole match: the room is small). Positions and
 * velocities are on the rules' 1/8 px grid, which float32 carries exactly: a client restores the
 * world bit for bit and predicts from it (velocities included: movement accelerates).
 */
export const BALL_REPLICATED = defineReplicated({
  match: { tick: 'uint32', scoreLeft: 'uint8', scoreRight: 'uint8', winner: 'int8', resumeTick: 'uint32' },
  entities: {
    players: { name: 'string', team: 'uint8', x: 'float32', y: 'float32', vx: 'float32', vy: 'float32', goals: 'uint8', lastInputSeq: 'uint32' },
    balls: { x: 'float32', y: 'float32', vx: 'float32', vy: 'float32' },
  },
});

/** The one ball's id among the `balls` entities. */
export const BALL_ID = 'ball';

export type BallPlayerValues = ValuesOf<typeof BALL_REPLICATED.entities.players>;
export type BallValues = ValuesOf<typeof BALL_REPLICATED.entities.balls>;
export type BallMatchValues = ValuesOf<typeof BALL_REPLICATED.match>;

function* playerValues(world: BallWorld): Iterable<readonly [string, StateValues]> {
  for (const p of world.players.values()) {
    const values: BallPlayerValues = { name: p.name, team: p.team, x: p.x, y: p.y, vx: p.vx, vy: p.vy, goals: p.goals, lastInputSeq: p.lastInputSeq };
    yield [p.id, values];
  }
}

/**
 * The world from its replica. Who touched the ball last is not replicated: it only says who
 * scores a goal, which a client takes from the server.
 */
function restoreBallWorld(replica: Replica, map: GameMap): BallWorld {
  const world = createBallWorld(map.id === PITCH.id ? map : undefined);
  const match = replica.match as BallMatchValues;
  world.tick = match.tick;
  world.score[0] = match.scoreLeft;
  world.score[1] = match.scoreRight;
  world.winner = match.winner === 0 || match.winner === 1 ? match.winner : -1;
  world.resumeTick = match.resumeTick;
  for (const [id, values] of replica.entities.players ?? []) {
    const p = values as BallPlayerValues;
    world.players.set(id, { id, name: p.name, team: (p.team === 1 ? 1 : 0) as Team, x: p.x, y: p.y, vx: p.vx, vy: p.vy, lastInputSeq: p.lastInputSeq, goals: p.goals });
  }
  for (const [id, values] of replica.entities.balls ?? []) if (id === BALL_ID) Object.assign(world.ball, values as BallValues);
  return world;
}

/**
 * The ball game as a game definition (shared/game/definition.ts): the second game, whose shared
 * object (the ball) stresses prediction differently from the shooter. Served by the generic room
 * without interest management (server/rooms/GameRoom.ts): everyone sees the whole pitch.
 */
export const BALL_GAME = defineGame<BallWorld, BallInput, typeof BALL_INPUT>({
  id: BALL_GAME_ID,
  description: 'Top-down ball game: two teams push and kick one ball into the other team\'s goal; first to five.',
  rooms: [{ name: BALL_ROOM, playersPerRoom: BALL_PLAYERS_PER_ROOM, description: 'Ball (2v2): two teams of two, one ball, first to five goals.', map: PITCH }],
  input: BALL_INPUT,
  emptyInput: emptyBallInput,
  createWorld: (map) => createBallWorld(map.id === 'pitch' ? map : undefined),
  addPlayer: (world, id, name) => { addBallPlayer(world, id, name); },
  removePlayer: removeBallPlayer,
  step: stepBall,
  tick: (world) => world.tick,
  hash: hashBallWorld,
  isOver: (world) => world.winner !== -1,
  replicated: BALL_REPLICATED,
  replicate: (world) => ({
    match: { tick: world.tick, scoreLeft: world.score[0], scoreRight: world.score[1], winner: world.winner, resumeTick: world.resumeTick } satisfies BallMatchValues,
    entities: { players: playerValues(world), balls: [[BALL_ID, { x: world.ball.x, y: world.ball.y, vx: world.ball.vx, vy: world.ball.vy } satisfies BallValues]] },
  }),
  restore: restoreBallWorld,
  // Goals are each player's points; the placing is the team's result, which is what is rated.
  standings: (world) => [...world.players.values()]
    .map((p) => ({ id: p.id, name: p.name, kills: p.goals, deaths: 0, team: p.team, placing: teamPlacing(world, p.team) }))
    .sort((a, b) => a.placing - b.placing || b.kills - a.kills || a.name.localeCompare(b.name)),
});
