import { parseArgs } from 'node:util';
import { GAMES } from '../../shared/games/catalog.ts';
import { BATTLE_MAX_PLAYERS, DEFAULT_PORT } from '../../shared/limits.ts';
import { BEHAVIOURS, type BehaviourName } from './behaviour.ts';
import { RUN_DEFAULTS, type RunOptions } from './coordinator.ts';

/**
 * Command-line options of `npm run bots`. Parsed with `node:util` parseArgs: part of Node
 * itself (no dependency to keep up to date), strict (an unknown or misspelt flag is an error,
 * not silently ignored), and enough for flat flags like these.
 */

export const USAGE = `Usage: npm run bots -- [options]

  --url URL             server (ws:// or http://)              default ws://127.0.0.1:${DEFAULT_PORT}
  --room NAME           room type to join                      default ${RUN_DEFAULTS.room}
  --rooms N             rooms to fill                          default ${RUN_DEFAULTS.rooms}
  --per-room N          bots per room (1-${BATTLE_MAX_PLAYERS}; arena rooms take 64)  default ${RUN_DEFAULTS.perRoom},
                        or the room's size when it is smaller (ball: 4)
  --duration S          run length in seconds, ramp included   default ${RUN_DEFAULTS.durationS}
  --ramp S              spread the joins over S seconds        default ${RUN_DEFAULTS.rampS}
  --behaviour B         ${BEHAVIOURS.join(' | ')}                default ${RUN_DEFAULTS.behaviour}
  --full N|P%           how many bots are full (decode state, run the client netcode);
                        the rest are light (send the same inputs, only count bytes)   default 100%
  --join code|quick     code: one bot creates each room, the rest join by its code;
                        quick: every bot uses quick play       default ${RUN_DEFAULTS.join}
  --workers N|auto      bot processes (1 = this process)       default ${RUN_DEFAULTS.workers}
  --seed N              behaviour seed                         default ${RUN_DEFAULTS.seed}
  --join-timeout S      give up on a join after S seconds      default ${RUN_DEFAULTS.joinTimeoutMs / 1000}
  --json FILE           also write the report as JSON
  --help                this text

Ctrl-C ends the run early and still prints (and writes) the report; a second Ctrl-C quits at once.`;

export interface CliOptions {
  run: RunOptions;
  jsonPath: string | undefined;
  help: boolean;
}

export class UsageError extends Error {}

/** Seats of a room type whose game fixes them (ball: 4); undefined where the server's setting decides. */
function fixedSeats(room: string): number | undefined {
  for (const game of GAMES) {
    for (const r of game.rooms) if (r.name === room && r.playersPerRoom !== 'configured') return r.playersPerRoom;
  }
  return undefined;
}

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return v;
}

function seconds(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be a number of seconds from ${min} to ${max} (got "${raw}")`);
  return v;
}

/** `--full 25%` or `--full 40` (bots), out of `total`. */
export function parseFull(raw: string | undefined, total: number): number {
  if (raw === undefined) return total;
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--full must be a count or a percentage, e.g. 20 or 10% (got "${raw}")`);
  const value = Number(m[1]);
  if (m[2] === '%') {
    if (value > 100) throw new UsageError('--full percentage must be at most 100%');
    return Math.round((value / 100) * total);
  }
  if (!Number.isInteger(value) || value > total) throw new UsageError(`--full must be a whole number of bots up to ${total} (got "${raw}")`);
  return value;
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        room: { type: 'string' },
        rooms: { type: 'string' },
        'per-room': { type: 'string' },
        duration: { type: 'string' },
        ramp: { type: 'string' },
        behaviour: { type: 'string' },
        behavior: { type: 'string' },
        full: { type: 'string' },
        join: { type: 'string' },
        workers: { type: 'string' },
        seed: { type: 'string' },
        'join-timeout': { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const url = v.url ?? `ws://127.0.0.1:${DEFAULT_PORT}`;
  if (!/^(ws|wss|http|https):\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be a ws://, wss://, http:// or https:// URL (got "${url}")`);
  const behaviour = (v.behaviour ?? v.behavior ?? RUN_DEFAULTS.behaviour) as BehaviourName;
  if (!BEHAVIOURS.includes(behaviour)) throw new UsageError(`--behaviour must be one of ${BEHAVIOURS.join(', ')} (got "${behaviour}")`);
  const join = v.join ?? RUN_DEFAULTS.join;
  if (join !== 'code' && join !== 'quick') throw new UsageError(`--join must be code or quick (got "${join}")`);
  const rooms = integer(v.rooms, 'rooms', RUN_DEFAULTS.rooms, 1, 10_000);
  const room = v.room ?? RUN_DEFAULTS.room;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(room)) throw new UsageError(`--room must be a room type name (got "${room}")`);
  // A room type with its own size (ball: 4) fills to that size by default, and refuses more here
  // rather than as a server-side refusal for every bot past it.
  const seats = fixedSeats(room);
  const perRoom = integer(v['per-room'], 'per-room', Math.min(RUN_DEFAULTS.perRoom, seats ?? RUN_DEFAULTS.perRoom), 1, seats ?? BATTLE_MAX_PLAYERS);
  const durationS = seconds(v.duration, 'duration', RUN_DEFAULTS.durationS, 1, 7 * 24 * 3600);
  const rampS = seconds(v.ramp, 'ramp', RUN_DEFAULTS.rampS, 0, durationS);
  const workers = v.workers === undefined || v.workers === 'auto' ? 'auto' : integer(v.workers, 'workers', 1, 1, 64);
  return {
    run: {
      url,
      room,
      rooms,
      perRoom,
      durationS,
      rampS,
      behaviour,
      join,
      full: parseFull(v.full, rooms * perRoom),
      workers,
      seed: integer(v.seed, 'seed', RUN_DEFAULTS.seed, 0, 2 ** 31 - 1),
      joinTimeoutMs: seconds(v['join-timeout'], 'join-timeout', RUN_DEFAULTS.joinTimeoutMs / 1000, 1, 300) * 1000,
      maxConcurrentJoins: RUN_DEFAULTS.maxConcurrentJoins,
    },
    jsonPath: v.json,
    help: v.help === true,
  };
}
