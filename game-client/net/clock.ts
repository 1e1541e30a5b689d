import type { RoomClock } from '@colyseus/sdk';
import { RttEstimator } from '../../shared/rttEstimator.ts';
import { WindowedExtremum } from '../../shared/windowed.ts';

const OFFSET_WINDOW_MS = 5000;
const RTT_FLOOR_WINDOW_MS = 10_000;
const INPUT_RTT_GAIN = 1 / 8;
const JITTER_GAIN = 1 / 16;

/**
 * The room clock, replacing the SDK's `RoomClockImpl` (`room.clock`), fed from two sources:
 *
 * - **Round trip** from the server's own pings (every netcode report, whether or not the
 *   player is sending inputs). The SDK's estimate comes from input acknowledgements only, and
 *   an ack waits in the server's input buffer and for the next patch, so it measures
 *   RTT + buffering, not the network. The ack round trip is kept separately (`inputRtt`).
 * - **Offset** (server clock minus ours) from the server time stamped on every patch: the
 *   fastest patch of the last few seconds (a windowed maximum of `sNow - arrival`) plus half
 *   the lowest round trip. A late packet cannot drag it, unlike an average.
 *
 * Jitter is RFC 3550's interarrival jitter on the patches' transit times.
 */
export class NetClock implements RoomClock {
  private readonly offsetMax = new WindowedExtremum(OFFSET_WINDOW_MS, 'max');
  private readonly rttFloor = new WindowedExtremum(RTT_FLOOR_WINDOW_MS, 'min');
  private readonly rttEstimate = new RttEstimator();
  private inputRttMs = 0;
  private jitterMs = 0;
  private lastTransit: number | undefined;
  private lastServer = 0;
  private patchMs = 0;

  now(): number {
    return performance.now();
  }

  /** Server clock minus ours, in ms (0 until the first patch). */
  get offsetMs(): number {
    const best = this.offsetMax.value();
    if (best === undefined) return 0;
    return best + (this.rttFloor.value() ?? 0) / 2;
  }

  serverNow(): number {
    return this.now() + this.offsetMs;
  }

  renderNow(): number {
    return this.serverNow();
  }

  rtt(): number {
    return this.rttEstimate.lastMs;
  }

  smoothedRtt(): number {
    return this.rttEstimate.srttMs;
  }

  /** Mean deviation of the round trip (RFC 6298's RTTVAR). */
  rttVariation(): number {
    return this.rttEstimate.rttvarMs;
  }

  /** Smoothed time from sending an input to receiving its acknowledgement. */
  inputRtt(): number {
    return this.inputRttMs;
  }

  jitter(): number {
    return this.jitterMs;
  }

  lastServerTime(): number {
    return this.lastServer;
  }

  patchInterval(): number {
    return this.patchMs;
  }

  setPatchInterval(milliseconds: number): void {
    this.patchMs = milliseconds > 0 ? milliseconds : 0;
  }

  /** A TIMED patch arrived (called by the SDK): server time `sNow`, and the ack's round trip. */
  sample(sNow: number, ackRttSample: number): void {
    const t = this.now();
    this.lastServer = sNow;
    this.offsetMax.push(t, sNow - t);
    const transit = t - sNow;
    if (this.lastTransit !== undefined) this.jitterMs += (Math.abs(transit - this.lastTransit) - this.jitterMs) * JITTER_GAIN;
    this.lastTransit = transit;
    if (ackRttSample >= 0) this.inputRttMs = this.inputRttMs === 0 ? ackRttSample : this.inputRttMs + (ackRttSample - this.inputRttMs) * INPUT_RTT_GAIN;
  }

  /** A network round-trip sample (ms), from the server's ping. */
  pingSample(rttMs: number): void {
    if (!(rttMs >= 0)) return;
    this.rttFloor.push(this.now(), rttMs);
    this.rttEstimate.sample(rttMs);
  }
}
