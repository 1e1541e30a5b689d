/**
 * Smoothed round-trip time and its mean deviation, as TCP keeps them (RFC 6298: gains 1/8 and
 * 1/4, seeded by the first sample). The server keeps one per client from its pings' echoes; the
 * client keeps one from the samples the server reports.
 */
export class RttEstimator {
  srttMs = 0;
  rttvarMs = 0;
  lastMs = 0;

  sample(ms: number): void {
    if (!(ms >= 0)) return;
    this.lastMs = ms;
    if (this.srttMs === 0) {
      this.srttMs = ms;
      this.rttvarMs = ms / 2;
      return;
    }
    this.rttvarMs += (Math.abs(this.srttMs - ms) - this.rttvarMs) / 4;
    this.srttMs += (ms - this.srttMs) / 8;
  }
}
