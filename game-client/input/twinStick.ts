/**
 * Touch controls as two virtual sticks, in screen (CSS px) coordinates, with no DOM: the left
 * half of the screen moves, the right half aims and fires. A stick is born where the thumb
 * lands and points from there to where the thumb is now.
 *
 * The aim thumb has two ways to aim: landing on the arena aims at that point of the world (and
 * follows the thumb: tap to shoot there); landing elsewhere (below the arena on a phone held
 * upright, on the side panel) makes a stick whose direction is the aim. Either fires while held.
 */
export interface StickState {
  /** Where the thumb landed and where it is now (CSS px). */
  originX: number;
  originY: number;
  x: number;
  y: number;
}

export interface AimTouch extends StickState {
  /** Landed on the arena: aim at the thumb's point of the world rather than along the stick. */
  onArena: boolean;
}

/** A stick deflected less than this (CSS px) is at rest. */
export const STICK_DEAD_ZONE_PX = 14;
/** Full deflection is drawn at this radius (CSS px). */
export const STICK_RADIUS_PX = 56;

/** A direction in eight: movement is digital (the simulation takes -1, 0 or 1 on each axis). */
export function eightWay(dx: number, dy: number, deadZonePx = STICK_DEAD_ZONE_PX): { moveX: number; moveY: number } {
  if (dx * dx + dy * dy < deadZonePx * deadZonePx) return { moveX: 0, moveY: 0 };
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  const angle = sector * (Math.PI / 4);
  const round = (v: number) => (Math.abs(v) < 1e-9 ? 0 : Math.sign(v));
  return { moveX: round(Math.cos(angle)), moveY: round(Math.sin(angle)) };
}

export class TwinStick {
  private readonly touches = new Map<number, { side: 'move' | 'aim'; stick: AimTouch }>();

  /** A thumb landed at (x, y) on a screen `width` wide; `onArena`: inside the drawn arena. */
  down(id: number, x: number, y: number, width: number, onArena: boolean): void {
    const side = x < width / 2 ? 'move' : 'aim';
    // One thumb per side: a second one on the same side takes over.
    for (const [other, t] of this.touches) if (t.side === side) this.touches.delete(other);
    this.touches.set(id, { side, stick: { originX: x, originY: y, x, y, onArena } });
  }

  move(id: number, x: number, y: number): void {
    const t = this.touches.get(id);
    if (t === undefined) return;
    t.stick.x = x;
    t.stick.y = y;
  }

  up(id: number): void {
    this.touches.delete(id);
  }

  clear(): void {
    this.touches.clear();
  }

  get moveStick(): StickState | undefined {
    for (const t of this.touches.values()) if (t.side === 'move') return t.stick;
    return undefined;
  }

  get aimTouch(): AimTouch | undefined {
    for (const t of this.touches.values()) if (t.side === 'aim') return t.stick;
    return undefined;
  }

  /** Movement from the left stick (zero when no thumb is on it). */
  movement(): { moveX: number; moveY: number } {
    const s = this.moveStick;
    return s === undefined ? { moveX: 0, moveY: 0 } : eightWay(s.x - s.originX, s.y - s.originY);
  }

  /**
   * Aim from the right thumb: the screen point to aim at (`point`, on the arena) or a direction
   * in radians (`angle`, a stick out of its dead zone); undefined when not aiming.
   */
  aim(): { point: { x: number; y: number } } | { angle: number } | undefined {
    const t = this.aimTouch;
    if (t === undefined) return undefined;
    if (t.onArena) return { point: { x: t.x, y: t.y } };
    const dx = t.x - t.originX;
    const dy = t.y - t.originY;
    if (dx * dx + dy * dy < STICK_DEAD_ZONE_PX * STICK_DEAD_ZONE_PX) return undefined;
    return { angle: Math.atan2(dy, dx) };
  }

  /** The right thumb fires: on the arena while it is down, as a stick once it aims somewhere. */
  get firing(): boolean {
    return this.aim() !== undefined;
  }
}
