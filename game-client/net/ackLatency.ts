/** Send times kept for acknowledgement latency (about eight seconds of inputs at 30 Hz). */
const SEND_TIMES = 256;

/**
 * How long the server takes to acknowledge our inputs: the send time of each input, matched
 * against the acknowledgements as they come (any numbering that grows, as long as sends and
 * acknowledgements use the same one), with a smoothed figure (1/8 of each new sample) for the
 * net graph. One for every session, whatever the game.
 */
export class AckLatency {
  private readonly sendTimes = new Float64Array(SEND_TIMES);
  private lastAcked = 0;
  /** Smoothed input→acknowledgement time, ms (0 before the first). */
  smoothedMs = 0;

  /** Input `seq` left at `nowMs`. */
  sent(seq: number, nowMs: number): void {
    this.sendTimes[seq % SEND_TIMES] = nowMs;
  }

  /** Everything up to `acked` is acknowledged at `nowMs`: `each` gets every input newly acknowledged that we timed. */
  acknowledged(acked: number, nowMs: number, each?: (seq: number, latencyMs: number) => void): void {
    if (acked <= this.lastAcked) return;
    for (let seq = Math.max(this.lastAcked + 1, acked - SEND_TIMES + 1); seq <= acked; seq++) {
      const sentAt = this.sendTimes[seq % SEND_TIMES]!;
      this.sendTimes[seq % SEND_TIMES] = 0;
      if (sentAt <= 0) continue;
      const latencyMs = nowMs - sentAt;
      this.smoothedMs = this.smoothedMs === 0 ? latencyMs : this.smoothedMs + (latencyMs - this.smoothedMs) / 8;
      each?.(seq, latencyMs);
    }
    this.lastAcked = acked;
  }

  /** A new connection: what was sent on the old one is not timed (its acknowledgements may restart from 0). */
  reset(): void {
    this.lastAcked = 0;
    this.sendTimes.fill(0);
  }
}
