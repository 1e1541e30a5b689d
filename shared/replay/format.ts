import type { GameDefinition } from '../game/definition.ts';

/**
 * Replay files: newline-delimited JSON, one array per line, written as the room runs (so a
 * crashed process still leaves a readable prefix). Everything the simulation depends on is
 * here: the game, the map, the seed, who joined and left between which ticks, and every input
 * each tick applied (after the server's normalization and, in the arena, the lag-compensation
 * clamp). Checksums of the world every `checksumEvery` ticks let a re-simulation find the first
 * tick that diverged. Any game definition records and replays the same way.
 *
 *   ["h", { v, game, roomId, mapId, seed, tickHz, checksumEvery, startedAt }]   header, first line
 *   ["j", tick, playerId, name]          joined after step `tick` (before the next one)
 *   ["l", tick, playerId]                left after step `tick`
 *   ["s", tick, [[player, ...fields], ...]]   inputs step `tick` applied (`player` is the join
 *                                        order, 0-based; the fields are the game's `replayFields`,
 *                                        booleans as 0/1: the arena's are seq, moveX, moveY, aim,
 *                                        fire, rewind); ticks without any input are not written
 *   ["c", tick, hash]                    the game's hash() after step `tick`
 *   ["e", tick, hash]                    the room closed after step `tick` with this world hash
 *
 * Version 1 (before the game was named) was the arena's: read as `game: "arena"`, whose fields
 * are version 1's tuple.
 */
export const REPLAY_VERSION = 2;
const READABLE_VERSIONS = [1, REPLAY_VERSION];
/** The game of a version 1 file. */
const VERSION_1_GAME = 'arena';

export interface ReplayHeader {
  v: number;
  /** The game definition's id (shared/games/catalog.ts). */
  game: string;
  roomId: string;
  mapId: string;
  seed: number;
  tickHz: number;
  checksumEvery: number;
  startedAt: string;
}

/** One player's input of one step: its join order, then the game's `replayFields` as numbers. */
export type InputTuple = number[];

export type ReplayLine =
  | ['h', ReplayHeader]
  | ['j', number, string, string]
  | ['l', number, string]
  | ['s', number, InputTuple[]]
  | ['c', number, string]
  | ['e', number, string];

export function parseReplay(text: string): ReplayLine[] {
  const lines: ReplayLine[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.trim();
    if (row === '') continue;
    try {
      lines.push(JSON.parse(row) as ReplayLine);
    } catch {
      // A process that died mid-write leaves a torn last line: keep what came before.
      if (i >= rows.length - 2) break;
      throw new Error(`replay line ${i + 1} is not JSON`);
    }
  }
  const head = lines[0];
  if (head === undefined || head[0] !== 'h') throw new Error('not a replay file (no header line)');
  if (!READABLE_VERSIONS.includes(head[1].v)) throw new Error(`replay version ${head[1].v} is not supported (expected ${REPLAY_VERSION})`);
  head[1].game ??= VERSION_1_GAME;
  return lines;
}

/** The input fields a game's replays carry, in tuple order: its `replayFields`, else its input layout's. */
export function replayFieldsOf(game: GameDefinition<any, any>): readonly string[] {
  return game.replayFields ?? Object.keys(game.input);
}

/** One applied input as a tuple (`fields`: replayFieldsOf the game; absent values as 0). */
export function inputToTuple(player: number, input: object, fields: readonly string[]): InputTuple {
  const tuple: InputTuple = [player];
  const values = input as Record<string, unknown>;
  for (const name of fields) {
    const v = values[name];
    tuple.push(typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' ? v : 0);
  }
  return tuple;
}

/** The input a tuple recorded, shaped as the game's `emptyInput` (booleans restored from 0/1). */
export function inputFromTuple<I>(game: GameDefinition<unknown, I>, tuple: InputTuple, fields: readonly string[]): I {
  const input = game.emptyInput() as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i]!;
    const v = tuple[i + 1] ?? 0;
    input[name] = typeof input[name] === 'boolean' ? v === 1 : v;
  }
  return input as I;
}
