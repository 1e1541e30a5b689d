import type { World } from './world.ts';

/**
 * FNV-1a over the exact bits of every simulated value, in iteration order. Two worlds hash equal
 * only if they are equal bit for bit; used by determinism tests, replays and checksums.
 */
export function hashWorld(world: World): string {
  const scratch = new DataView(new ArrayBuffer(8));
  let h = 0x811c9dc5;
  const byte = (b: number) => {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  };
  const num = (v: number) => {
    scratch.setFloat64(0, v);
    for (let i = 0; i < 8; i++) byte(scratch.getUint8(i));
  };
  const str = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      byte(c & 0xff);
      byte(c >>> 8);
    }
    byte(0);
  };
  num(world.tick);
  num(world.rng);
  num(world.nextProjectileId);
  for (const p of world.players.values()) {
    str(p.id);
    num(p.x); num(p.y); num(p.vx); num(p.vy); num(p.aim);
    num(p.hp); num(p.alive ? 1 : 0); num(p.respawnTick); num(p.fireReadyTick);
    num(p.kills); num(p.deaths); num(p.lastInputSeq);
  }
  for (const pr of world.projectiles.values()) {
    num(pr.id); str(pr.ownerId);
    num(pr.x0); num(pr.y0); num(pr.vx); num(pr.vy); num(pr.spawnTick); num(pr.endTick);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
