import type { Room } from '@colyseus/sdk';
import type { NetClock } from './clock.ts';
import { linkOf } from './netClient.ts';
import type { InputPacer } from './pacer.ts';

/** What every session reports about its connection, whatever the game (the net graph's common part). */
export interface ConnectionStats {
  /** Round-trip time, ms (undefined before the first; otherwise `rttMs`). */
  pingMs: number | undefined;
  inputsSent: number;
  /** Last input the server has applied (its acknowledgement). */
  inputsAcked: number;

  /** Network round trip measured by the server's pings (fresh while idle too), ms. */
  rttMs: number;
  /** Its mean deviation, ms. */
  rttVarMs: number;
  /** Interarrival jitter of state patches (RFC 3550), ms. */
  jitterMs: number;
  /** Server clock minus ours, ms. */
  clockOffsetMs: number;

  /** Fewest spare inputs the server held over its last report window (undefined: no report yet). */
  inputSpare: number | undefined;
  /** Ticks in that window that found no input from us. */
  inputLate: number;
  /** Input clock speed relative to real time (time dilation; 1 = none). */
  inputRate: number;
  /** Smoothed time from sending an input to its acknowledgement, ms. */
  inputLatencyMs: number;

  kbpsDown: number;
  kbpsUp: number;
  bytesDown: number;
  bytesUp: number;
  /** The network simulator's conditions, when it is on. */
  netsim: string | undefined;
}

/** The connection's numbers from the parts every session has: its room's link, clock, input pacer and counts. */
export function connectionStats(room: Room<any, any>, clock: NetClock, pacer: InputPacer, inputs: { sent: number; acked: number; latencyMs: number }, nowMs: number): ConnectionStats {
  const link = linkOf(room);
  const kbps = link?.meter.kbps(nowMs) ?? { up: 0, down: 0 };
  const rtt = clock.smoothedRtt();
  return {
    pingMs: rtt > 0 ? rtt : undefined,
    inputsSent: inputs.sent,
    inputsAcked: inputs.acked,
    rttMs: rtt,
    rttVarMs: clock.rttVariation(),
    jitterMs: clock.jitter(),
    clockOffsetMs: clock.offsetMs,
    inputSpare: pacer.spare,
    inputLate: pacer.late,
    inputRate: pacer.rate,
    inputLatencyMs: inputs.latencyMs,
    kbpsDown: kbps.down,
    kbpsUp: kbps.up,
    bytesDown: link?.meter.bytesDown ?? 0,
    bytesUp: link?.meter.bytesUp ?? 0,
    netsim: link?.netsim?.label,
  };
}
