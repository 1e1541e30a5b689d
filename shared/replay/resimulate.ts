import { TICK_DT_S } from '../limits.ts';
import type { PlayerInput } from '../input.ts';
import { getMap } from '../maps.ts';
import { hashWorld } from '../sim/hash.ts';
import { stepWorld } from '../sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../sim/world.ts';
import type { ReplayHeader, ReplayLine } from './format.ts';

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

/** Re-run a recorded room with the shared simulation and compare its checksums. */
export function resimulate(lines: readonly ReplayLine[]): ReplayResult {
  const header = (lines[0] as ['h', ReplayHeader])[1];
  const world: World = createWorld(getMap(header.mapId), header.seed);
  const ids: string[] = [];
  const empty = new Map<string, PlayerInput>();
  const inputs = new Map<string, PlayerInput>();
  let inputCount = 0;
  let verified = 0;
  let lastGood = 0;
  let divergence: ReplayResult['divergence'];
  let recordedFinal: string | undefined;

  const stepTo = (tick: number) => {
    while (world.tick < tick) stepWorld(world, empty, TICK_DT_S);
  };

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    switch (line[0]) {
      case 'j':
        stepTo(line[1]);
        ids.push(line[2]);
        addPlayer(world, line[2], line[3]);
        break;
      case 'l':
        stepTo(line[1]);
        removePlayer(world, line[2]);
        break;
      case 's': {
        stepTo(line[1] - 1);
        inputs.clear();
        for (const [player, seq, moveX, moveY, aim, fire, rewind] of line[2]) {
          const id = ids[player];
          if (id === undefined) throw new Error(`replay step ${line[1]} names unknown player ${player}`);
          inputs.set(id, { seq, moveX, moveY, aim, fire: fire === 1, rewind });
          inputCount++;
        }
        stepWorld(world, inputs, TICK_DT_S);
        break;
      }
      case 'c':
      case 'e': {
        stepTo(line[1]);
        const actual = hashWorld(world);
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
  const finalHash = hashWorld(world);
  return {
    header,
    ticks: world.tick,
    players: ids.length,
    inputs: inputCount,
    checksumsVerified: verified,
    divergence,
    finalHash,
    recordedFinalHash: recordedFinal,
    reproduced: divergence === undefined && (recordedFinal === undefined || recordedFinal === finalHash),
  };
}
