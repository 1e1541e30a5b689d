import { PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';

/** A frame whose render clock has not moved for this long, while time has, shows a frozen world. */
const STALL_MIN_MS = 20;
/** Own movement beyond what the player can do between two frames (with this slack) is a visible snap. */
const SNAP_SPEED_SLACK = 1.5;
const SNAP_MIN_PX = 4;

/**
 * What a full bot's player would see, measured from the frames the session renders, whatever
 * the session does inside (extrapolation today, prediction and interpolation with issue 3):
 * - a **visible snap**: our own body jumps further between two frames than it can move (a
 *   correction the player notices);
 * - a **render stall**: the render clock stands still while time passes (the client ran out of
 *   server snapshots to show: an interpolation-buffer underrun, as the player sees it);
 * - a **render rewind**: the render clock goes backwards (the world jumps back: a late snapshot
 *   overruled an extrapolation).
 */
export class ExperienceMeter {
  frames = 0;
  visibleSnaps = 0;
  renderStalls = 0;
  renderRewinds = 0;
  private last: { atMs: number; tick: number; x: number; y: number; alive: boolean } | undefined;

  observe(frame: RenderFrame, nowMs: number): void {
    this.frames++;
    const self = frame.self;
    const prev = this.last;
    this.last = self ? { atMs: nowMs, tick: frame.tick, x: self.x, y: self.y, alive: self.alive } : undefined;
    if (prev === undefined || self === undefined) return;
    const dtMs = nowMs - prev.atMs;
    if (dtMs <= 0) return;
    if (frame.tick < prev.tick) this.renderRewinds++;
    else if (frame.tick === prev.tick && dtMs >= STALL_MIN_MS) this.renderStalls++;
    if (prev.alive && self.alive) {
      const moved = Math.hypot(self.x - prev.x, self.y - prev.y);
      if (moved > (PLAYER_MAX_SPEED_PX_PER_S * dtMs * SNAP_SPEED_SLACK) / 1000 + SNAP_MIN_PX) this.visibleSnaps++;
    }
  }
}
