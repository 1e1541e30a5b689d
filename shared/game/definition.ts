import type { GameMap } from '../maps.ts';
import type { InputLayout } from './input.ts';
import { checkInterest, type GameInterest } from './interest.ts';
import type { Replica, ReplicatedLayout } from './state.ts';

/**
 * What a game is, to the engine: the one object a game hands the server (rooms, replay, bots) and
 * the client. The engine runs any definition; the game's own code is its definition, a renderer
 * scene and a bot behaviour. Everything here is pure and deterministic: given the same world and
 * inputs, `step` gives the same world on every machine (replays and prediction rely on it).
 */
export interface GameDefinition<W = unknown, I = unknown, L extends InputLayout = InputLayout> {
  /** Stable identifier (GET /api/games). */
  readonly id: string;
  /** One line for people. */
  readonly description: string;
  /**
   * The room names it is played in, each with its player seats when the creator picks no size
   * (`configured`: the server's MAX_PLAYERS setting) and its own line for the lobby.
   */
  readonly rooms: ReadonlyArray<{ readonly name: string; readonly playersPerRoom: number | 'configured'; readonly description: string; readonly map?: GameMap }>;
  /** The input on the wire, declared once (shared/game/input.ts). */
  readonly input: L;
  /** A player's input when it sent none this step. */
  emptyInput(seq?: number): I;
  /**
   * The input fields `step` reads, in the order replays record them (shared/replay/format.ts);
   * absent: the input layout's fields. A game lists them when the server adds a field the wire
   * does not carry (the arena's lag-compensation `rewind`) or reads fewer than it carries.
   */
  readonly replayFields?: readonly string[];
  createWorld(map: GameMap, seed: number): W;
  /** A player joins the match (placed by the game's spawning rules). */
  addPlayer(world: W, id: string, name: string): void;
  removePlayer(world: W, id: string): void;
  /** One fixed step: at most one input per player (players without one get no input). */
  step(world: W, inputs: ReadonlyMap<string, I>, dtS: number): void;
  /** The world's tick (steps taken). */
  tick(world: W): number;
  /** A checksum of everything `step` depends on (replays compare it). */
  hash(world: W): string;
  /** The match is decided by play (a score reached); absent: matches end on the server's clock only. */
  isOver?(world: W): boolean;
  /**
   * What every client sees, for games served without interest management (server/rooms/GameRoom.ts):
   * the layout, and the world's values in it (read at the patch rate).
   */
  readonly replicated?: ReplicatedLayout;
  replicate?(world: W): Replica;
  /**
   * The world again from what is replicated, on `map`: a client predicts by stepping it with its own
   * inputs (game-client/net/replicaPrediction.ts), so it must hold everything `step` reads for the
   * players' and shared objects' motion. `restore(replicate(w))` then steps as `w` does: the same
   * `hash` after the same inputs (what `step` keeps but does not replicate, such as who scores a
   * goal, may differ).
   */
  restore?(replica: Replica, map: GameMap): W;
  /**
   * Each client receives the entities of the layout's per-client kinds (and the `view` fields of
   * its kinds that have them) only around its own player (shared/game/interest.ts); absent: every
   * client receives the whole state.
   */
  readonly interest?: GameInterest;
  /**
   * Each player's line, best first (`kills`: the game's points): the match-end message's scores and
   * the match record's lines. Its matches are rated on the game's own scale (docs/RESULTS.md).
   */
  standings?(world: W): StandingsLine[];
}

/** One player's line in a game's standings. */
export interface StandingsLine {
  id: string;
  name: string;
  kills: number;
  deaths: number;
  /** The player's team in a team game: a team is rated as one (its players share its result). */
  team?: number;
  /**
   * 1 = best, equal results share a placing; absent: the engine places by kills, then fewer deaths.
   * A team game places teams by the match's result, not by who scored.
   */
  placing?: number;
}

/** Type-checks a definition where it is declared, keeping its own world, input and layout types. */
export function defineGame<W, I, L extends InputLayout>(game: GameDefinition<W, I, L>): GameDefinition<W, I, L> {
  if (game.rooms.length === 0) throw new Error(`game ${game.id}: no room names`);
  if (game.interest !== undefined) checkInterest(game.id, game.interest, game.replicated);
  return game;
}
