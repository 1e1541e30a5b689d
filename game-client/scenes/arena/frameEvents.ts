import type { ProjectileView, RenderFrame } from '../../net/renderModel.ts';

/** What happened between two drawn frames, as the player should see and hear it. */
export type GameEvent =
  | { kind: 'shot'; x: number; y: number; own: boolean }
  | { kind: 'shotEnd'; x: number; y: number; hit: boolean; own: boolean }
  | { kind: 'hurt'; x: number; y: number }
  | { kind: 'damaged'; id: string; x: number; y: number }
  | { kind: 'death'; id: string; x: number; y: number; self: boolean }
  | { kind: 'respawn'; id: string; x: number; y: number; self: boolean };

/**
 * A shot that appears within this many ticks of its start, counted from the previous frame, was
 * just fired (not one flying into view). From the previous frame, not this one: at a low frame
 * rate (a slow phone, a busy machine: 7 frames a second is over four ticks apart) a shot fired
 * since the last frame is already further along than that when it is first drawn.
 */
const JUST_FIRED_TICKS = 3;
/** A shot gone within this many ticks of its end ended (rather than being replaced or leaving the view). */
const END_SLACK_TICKS = 1;

interface Seen {
  alive: boolean;
  hp: number;
  x: number;
  y: number;
}

/**
 * Turns consecutive render frames into events (shots fired, shots ending on a wall, at their
 * range or on a player, damage, deaths, respawns) for effects and sound. Everything comes from
 * what the frames draw, so it matches what the player sees, on the same timeline.
 *
 * Our own shots are drawn from prediction first and from the server's copy once acknowledged:
 * the predicted one fires the muzzle flash; the server's copy, which knows whether it hit,
 * ends it.
 */
export class FrameEvents {
  private readonly players = new Map<string, Seen>();
  private shots = new Map<string, ProjectileView>();
  private previousTick: number | undefined;

  diff(frame: RenderFrame, selfId: string): GameEvent[] {
    const events: GameEvent[] = [];
    const now = new Map<string, ProjectileView>();
    const since = Math.min(frame.tick, this.previousTick ?? frame.tick);
    this.previousTick = frame.tick;
    for (const p of frame.projectiles) {
      now.set(p.id, p);
      if (this.shots.has(p.id) || since - p.spawnTick > JUST_FIRED_TICKS) continue;
      const own = p.ownerId === selfId;
      if (own && !p.id.startsWith('predicted-')) continue;
      events.push({ kind: 'shot', x: p.x, y: p.y, own });
    }
    for (const [id, p] of this.shots) {
      if (now.has(id) || frame.tick < p.endTick - END_SLACK_TICKS) continue;
      events.push({ kind: 'shotEnd', x: p.endX, y: p.endY, hit: p.hit, own: p.ownerId === selfId });
    }
    this.shots = now;

    const seen = new Set<string>();
    for (const p of frame.players) {
      seen.add(p.id);
      const before = this.players.get(p.id);
      if (before !== undefined) {
        if (before.alive && !p.alive) events.push({ kind: 'death', id: p.id, x: before.x, y: before.y, self: p.isSelf });
        else if (!before.alive && p.alive) events.push({ kind: 'respawn', id: p.id, x: p.x, y: p.y, self: p.isSelf });
        else if (p.alive && p.hp < before.hp) events.push(p.isSelf ? { kind: 'hurt', x: p.x, y: p.y } : { kind: 'damaged', id: p.id, x: p.x, y: p.y });
      }
      this.players.set(p.id, { alive: p.alive, hp: p.hp, x: p.x, y: p.y });
    }
    for (const id of this.players.keys()) if (!seen.has(id)) this.players.delete(id);
    return events;
  }
}
