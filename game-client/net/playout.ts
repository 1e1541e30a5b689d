import { INTERP_DELAY_MAX_MS, TICK_MS } from '../../shared/limits.ts';
import { WindowedExtremum } from '../../shared/windowed.ts';

/** Tuning of the remote-entity timeline; defaults in `PLAYOUT_DEFAULTS`. */
export interface PlayoutOptions {
  /** Never render closer than this behind the newest possible data. */
  floorMs: number;
  /** Never further behind than this, whatever the network does. */
  ceilingMs: number;
  /** Added on top of the measured need. */
  marginMs: number;
  /** How long lateness spikes are remembered when sizing the delay. */
  lateWindowMs: number;
  /** Window of the transit floor (the fastest path seen recently). */
  baseWindowMs: number;
  /** Most the playout rate may deviate from real time while the delay changes (0.1 = 10%). */
  maxSlew: number;
  /** Time constants of delay changes: growing (react fast) and shrinking (settle slowly). */
  growTauMs: number;
  shrinkTauMs: number;
  /** Farther than this from the target (a resumed tab, a clock jump): jump instead of easing. */
  resyncMs: number;
  /** Delay before anything has been measured. */
  initialMs: number;
  /**
   * Every snapshot for this long (and at least `shiftMinSnapshots` of them) arriving more than
   * `ceilingMs` later than the fastest path means the timeline itself moved (the server dropped
   * ticks during a stall, or the route changed): start over from the new path.
   */
  shiftConfirmMs: number;
  shiftMinSnapshots: number;
  /**
   * Added on top of the margin: this many times the path's jitter, the mean deviation of transit.
   * The worst need seen is a maximum over a sample, and the next lateness spike beats it by about
   * the path's spread; a fixed margin covers a clean path but not a jittery, lossy one.
   */
  jitterMargin: number;
}

export const PLAYOUT_DEFAULTS: PlayoutOptions = {
  floorMs: 50,
  ceilingMs: INTERP_DELAY_MAX_MS,
  marginMs: 10,
  lateWindowMs: 30_000,
  baseWindowMs: 3000,
  maxSlew: 0.1,
  growTauMs: 300,
  shrinkTauMs: 3000,
  resyncMs: 1000,
  initialMs: 100,
  shiftConfirmMs: 500,
  shiftMinSnapshots: 5,
  // One deviation, as TCP's RTO adds deviations to its smoothed RTT. In the link model at 150 ms
  // ± 30 ms with 5% loss and 1% server hiccups (up to 120 ms), 100 simulated minutes: runs dry
  // 0.41/min → 0.09/min for +46 ms of delay; on a clean 50 ms path +9 ms (playout.test.ts checks it).
  jitterMargin: 1,
};

/**
 * The clock remote entities are drawn on, in server ticks. It runs at real time behind the
 * newest data the server could have sent, by an interpolation delay that adapts to what the
 * network does instead of Colyseus' fixed 100 ms:
 *
 * - every snapshot's *transit* (`arrival - tick x TICK_MS`) is compared with the fastest one of
 *   the last `baseWindowMs`: the difference is how late it was (jitter, a TCP retransmission, a
 *   server hitch, the phase between a tick and the patch that carries it);
 * - drawing any tick between two snapshots needs the later one, so each snapshot *needs* the
 *   playout to run its lateness plus the gap it closes (patches skip ticks) behind the fastest
 *   path; the delay target is the worst need of the last `lateWindowMs` plus a margin, within
 *   [floor, ceiling];
 * - the actual delay eases toward the target (fast up, slow down) and never changes faster
 *   than `maxSlew` of real time, so remote motion never visibly speeds up, slows down or jumps.
 *
 * Ticks, not arrival times, are the timeline: the server stamps every snapshot with the tick
 * it reflects, so arrival jitter never bends the motion itself. When that timeline shifts for
 * good (a server that stalls catches up at most a few ticks and drops the rest, so every later
 * tick arrives that much "later"), waiting for the old fastest path to age out of its window
 * would hold the remote world still for seconds and then report a negative delay: once every
 * snapshot for `shiftConfirmMs` is later than the ceiling allows, the clock starts over on the
 * new path.
 */
export class PlayoutClock {
  private readonly opts: PlayoutOptions;
  private readonly transitFloor: WindowedExtremum;
  /** Worst need of the window: ms from a snapshot's tick to its arrival, beyond the fastest path, plus the gap it closed. */
  private readonly needMax: WindowedExtremum;
  /** Playout offset: render time = now - offset (ms on the tick x TICK_MS axis). */
  private offsetMs: number | undefined;
  private lastNowMs: number | undefined;
  private newest = -1;
  private extrapolatingNow = false;
  private renderTickValue = 0;
  /** The current run of snapshots later than the ceiling: since when, how many, their fastest transit. */
  private lateRun: { sinceMs: number; count: number; minTransit: number } | undefined;

  /** Smoothed transit and its mean deviation (RFC 6298's estimators, on one-way transit). */
  private transitMean: number | undefined;
  private transitDev = 0;

  /** Times the renderer ran out of snapshots (had to extrapolate, then hold). */
  underruns = 0;

  constructor(options: Partial<PlayoutOptions> = {}) {
    this.opts = { ...PLAYOUT_DEFAULTS, ...options };
    this.transitFloor = new WindowedExtremum(this.opts.baseWindowMs, 'min');
    this.needMax = new WindowedExtremum(this.opts.lateWindowMs, 'max');
  }

  /** A snapshot of `tick` arrived at local time `arrivalMs`. */
  onSnapshot(tick: number, arrivalMs: number): void {
    if (tick <= this.newest) return;
    const transit = arrivalMs - tick * TICK_MS;
    if (this.transitMean === undefined) this.transitMean = transit;
    else {
      this.transitDev += (Math.abs(transit - this.transitMean) - this.transitDev) / 4;
      this.transitMean += (transit - this.transitMean) / 8;
    }
    this.watchForShift(arrivalMs, transit);
    this.transitFloor.push(arrivalMs, transit);
    const floor = this.transitFloor.value(arrivalMs)!;
    // To draw any tick between the previous snapshot and this one, this one must have arrived:
    // the playout must run behind the fastest path by the gap plus this snapshot's lateness.
    const gap = this.newest >= 0 ? (tick - this.newest) * TICK_MS : TICK_MS;
    this.needMax.push(arrivalMs, gap + transit - floor);
    this.newest = tick;
  }

  /** Follow a lasting shift of the timeline (see the class comment). */
  private watchForShift(arrivalMs: number, transit: number): void {
    const floor = this.transitFloor.value(arrivalMs);
    if (floor === undefined || transit - floor <= this.opts.ceilingMs) {
      this.lateRun = undefined;
      return;
    }
    const run = this.lateRun ??= { sinceMs: arrivalMs, count: 0, minTransit: transit };
    run.count++;
    run.minTransit = Math.min(run.minTransit, transit);
    if (run.count < this.opts.shiftMinSnapshots || arrivalMs - run.sinceMs < this.opts.shiftConfirmMs) return;
    this.transitFloor.clear();
    this.transitFloor.push(arrivalMs, run.minTransit);
    this.needMax.clear();
    this.transitMean = undefined;
    this.transitDev = 0;
    // Jump to the new timeline at the next frame rather than easing into it for seconds.
    this.offsetMs = undefined;
    this.lateRun = undefined;
  }

  /** Newest tick received. */
  get newestTick(): number {
    return this.newest;
  }

  /** What the delay is easing toward, ms. */
  get targetDelayMs(): number {
    const need = this.needMax.value();
    if (need === undefined) return this.opts.initialMs;
    return clamp(need + this.opts.marginMs + this.opts.jitterMargin * this.transitDev, this.opts.floorMs, this.opts.ceilingMs);
  }

  /** Current delay behind the newest data the server could have sent, ms. */
  get delayMs(): number {
    const floor = this.transitFloor.value();
    return this.offsetMs === undefined || floor === undefined ? this.opts.initialMs : this.offsetMs - floor;
  }

  /** Snapshot buffer ahead of the render time, ms (negative while extrapolating). */
  get bufferMs(): number {
    return (this.newest - this.renderTickValue) * TICK_MS;
  }

  get extrapolating(): boolean {
    return this.extrapolatingNow;
  }

  get renderTick(): number {
    return this.renderTickValue;
  }

  /** Advance to local time `nowMs` (once per frame) and return the tick to draw. */
  advance(nowMs: number): number {
    const floor = this.transitFloor.value(nowMs);
    if (floor === undefined) return this.renderTickValue;
    const target = floor + this.targetDelayMs;
    if (this.offsetMs === undefined || this.lastNowMs === undefined || Math.abs(target - this.offsetMs) > this.opts.resyncMs) {
      this.offsetMs = target;
    } else {
      const dt = Math.max(0, Math.min(nowMs - this.lastNowMs, 250));
      const error = target - this.offsetMs;
      const tau = error > 0 ? this.opts.growTauMs : this.opts.shrinkTauMs;
      const step = error * (1 - Math.exp(-dt / tau));
      const limit = this.opts.maxSlew * dt;
      this.offsetMs += clamp(step, -limit, limit);
    }
    this.lastNowMs = nowMs;
    // Never run backwards: an easing step is bounded by maxSlew < 1, so this only guards resyncs.
    const tick = (nowMs - this.offsetMs) / TICK_MS;
    this.renderTickValue = tick;
    const dry = this.newest >= 0 && tick > this.newest;
    if (dry && !this.extrapolatingNow) this.underruns++;
    this.extrapolatingNow = dry;
    return tick;
  }
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
