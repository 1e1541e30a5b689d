/**
 * Replay files: newline-delimited JSON, one array per line, written as the room runs (so a
 * crashed process still leaves a readable prefix). Everything the simulation depends on is
 * here: the map, the seed, who joined and left between which ticks, and every input each tick
 * applied (after the server's normalization and lag-compensation clamp). Checksums of the
 * world every `checksumEvery` ticks let a re-simulation find the first tick that diverged.
 *
 *   ["h", { v, roomId, mapId, seed, tickHz, checksumEvery, startedAt }]   header, first line
 *   ["j", tick, playerId, name]          joined after step `tick` (before the next one)
 *   ["l", tick, playerId]                left after step `tick`
 *   ["s", tick, [[player, seq, moveX, moveY, aim, fire, rewind], ...]]   inputs step `tick` applied
 *                                        (`player` is the join order, 0-based); ticks without
 *                                        any input are not written
 *   ["c", tick, hash]                    hashWorld() after step `tick`
 *   ["e", tick, hash]                    the room closed after step `tick` with this world hash
 */
export const REPLAY_VERSION = 1;

export interface ReplayHeader {
  v: number;
  roomId: string;
  mapId: string;
  seed: number;
  tickHz: number;
  checksumEvery: number;
  startedAt: string;
}

export type InputTuple = [player: number, seq: number, moveX: number, moveY: number, aim: number, fire: 0 | 1, rewind: number];

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
  if (head[1].v !== REPLAY_VERSION) throw new Error(`replay version ${head[1].v} is not supported (expected ${REPLAY_VERSION})`);
  return lines;
}
