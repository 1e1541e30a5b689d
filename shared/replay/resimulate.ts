import type { GameDefinition } from '../game/definition.ts';
import { TICK_DT_S } from '../limits.ts';
import { getMap, type GameMap } from '../maps.ts';
import { inputFromTuple, replayFieldsOf, type ReplayHeader, type ReplayLine } from './format.ts';

export interface ReplayResult {
  header: ReplayHeader;
  /** Tick the re-simulation reached. */
  ticks: number;
  players: number;
  inputs: number;
  checksumsVerified: number;
  /** First checkpoint whose hash differs; the divergence happened after `lastGoodTick`. */
  divergence: { tick: number; lastGoodTick: number; expected: string; actual: string } | undefined;
  finalHash: string;
  /** Hash the room recorded when it closed (undefined: the file ends without one). */
  recordedFinalHash: string | undefined;
  /** True when every checkpoint and the final hash match. */
  reproduced: boolean;
}

/** The map a recorded room was played on: one of the game's own room maps, else the shared map list. */
function mapOf(game: GameDefinition<unknown, unknown>, mapId: string): GameMap {
  return game.rooms.find((r) => r.map?.id === mapId)?.map ?? getMap(mapId);
}

/** Re-run a recorded room of `game` (the one its header names) with the game's step and compare its checksums. */
export function resimulate<W, I>(lines: readonly ReplayLine[], game: GameDefinition<W, I>): ReplayResult {
  const header = (lines[0] as ['h', ReplayHeader])[1];
  if (header.game !== game.id) throw new Error(`the replay is of game ${header.game}, not ${game.id}`);
  const world = game.createWorld(mapOf(game as GameDefinition<unknown, unknown>, header.mapId), header.seed);
  const fields = replayFieldsOf(game);
  const ids: string[] = [];
  const empty = new Map<string, I>();
  const inputs = new Map<string, I>();
  let inputCount = 0;
  let verified = 0;
  let lastGood = 0;
  let divergence: ReplayResult['divergence'];
  let recordedFinal: string | undefined;

  const stepTo = (tick: number) => {
    while (game.tick(world) < tick) game.step(world, empty, TICK_DT_S);
  };

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    switch (line[0]) {
      case 'j':
        stepTo(line[1]);
        ids.push(line[2]);
        game.addPlayer(world, line[2], line[3]);
        break;
      case 'l':
        stepTo(line[1]);
        game.removePlayer(world, line[2]);
        break;
      case 's': {
        stepTo(line[1] - 1);
        inputs.clear();
        for (const tuple of line[2]) {
          const id = ids[tuple[0]!];
          if (id === undefined) throw new Error(`replay step ${line[1]} names unknown player ${tuple[0]}`);
          inputs.set(id, inputFromTuple(game, tuple, fields));
          inputCount++;
        }
        game.step(world, inputs, TICK_DT_S);
        break;
      }
      case 'c':
      case 'e': {
        stepTo(line[1]);
        const actual = game.hash(world);
        if (line[0] === 'e') recordedFinal = line[2];
        if (actual === line[2]) {
          if (line[0] === 'c') verified++;
          lastGood = line[1];
        } else if (divergence === undefined) {
          divergence = { tick: line[1], lastGoodTick: lastGood, expected: line[2], actual };
        }
        break;
      }
      default:
        throw new Error(`replay line ${i + 1}: unknown kind ${JSON.stringify(line[0])}`);
    }
  }
  const finalHash = game.hash(world);
  return {
    header,
    ticks: game.tick(world),
    players: ids.length,
    inputs: inputCount,
    checksumsVerified: verified,
    divergence,
    finalHash,
    recordedFinalHash: recordedFinal,
    reproduced: divergence === undefined && (recordedFinal === undefined || recordedFinal === finalHash),
  };
}
