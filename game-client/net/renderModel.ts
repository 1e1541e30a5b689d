import { aimToRadians } from '../../shared/math.ts';
import type { PlayerStateView } from './stateTypes.ts';

/** What a scene draws for one frame: plain data, no network objects. */
export interface PlayerView {
  id: string;
  name: string;
  x: number;
  y: number;
  /** Aim in radians. */
  aimRad: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
  isSelf: boolean;
}

/** A player's view from its (snapshot or schema) state, drawn at (x, y). */
export function playerView(id: string, p: PlayerStateView, x: number, y: number, isSelf: boolean): PlayerView {
  return { id, name: p.name, x, y, aimRad: aimToRadians(p.aim), hp: p.hp, alive: p.alive, kills: p.kills, deaths: p.deaths, isSelf };
}

export interface ProjectileView {
  id: string;
  x: number;
  y: number;
  ownerId: string;
  /** Velocity, px/s. */
  vx: number;
  vy: number;
  /** Tick its flight started and tick it ends (fractional), on the frame's timeline. */
  spawnTick: number;
  endTick: number;
  /** Where it ends: a hit on a player (`hit`), or a wall, the map's edge or the end of its range. */
  endX: number;
  endY: number;
  hit: boolean;
}

/** Live players per cell of the crowd grid (shared/crowd.ts), for the minimap. */
export interface CrowdView {
  cols: number;
  rows: number;
  counts: readonly number[];
}

export interface RenderFrame {
  /** Server tick the frame shows (fractional while interpolating). */
  tick: number;
  mapId: string;
  self: PlayerView | undefined;
  /** Players whose body is in our area of interest (what can be drawn). */
  players: PlayerView[];
  projectiles: ProjectileView[];
  /** Everyone in the room, for the scoreboard (absent: use `players`). */
  roster?: ScoreLine[];
  /** Where a spectator's camera looks (players follow `self`). */
  camera?: { x: number; y: number };
  /** Everyone's whereabouts on maps larger than the view (absent elsewhere). */
  crowd?: CrowdView;
}

export interface ScoreLine {
  id: string;
  name: string;
  kills: number;
  deaths: number;
  isSelf: boolean;
}

/** Fullest scorer first; ties by fewer deaths, then name. */
export function scoreboard(players: readonly ScoreLine[]): ScoreLine[] {
  return players
    .map((p) => ({ id: p.id, name: p.name, kills: p.kills, deaths: p.deaths, isSelf: p.isSelf }))
    .sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
}
