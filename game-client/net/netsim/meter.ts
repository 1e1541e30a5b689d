/**
 * Bytes in each direction of one room connection, for the net graph's kbps. Counts WebSocket
 * payloads plus their frame headers (client frames are masked: 4 more bytes); TCP/IP headers
 * are not included.
 */
export class ByteMeter {
  bytesUp = 0;
  bytesDown = 0;
  messagesUp = 0;
  messagesDown = 0;
  private readonly window: Array<{ t: number; up: number; down: number }> = [];

  up(bytes: number, nowMs = performance.now()): void {
    const wire = bytes + frameHeader(bytes) + 4;
    this.bytesUp += wire;
    this.messagesUp++;
    this.push(nowMs, wire, 0);
  }

  down(bytes: number, nowMs = performance.now()): void {
    const wire = bytes + frameHeader(bytes);
    this.bytesDown += wire;
    this.messagesDown++;
    this.push(nowMs, 0, wire);
  }

  /** Kilobits per second over the last `windowMs`. */
  kbps(nowMs = performance.now(), windowMs = 1000): { up: number; down: number } {
    this.trim(nowMs, windowMs);
    let up = 0;
    let down = 0;
    for (const s of this.window) {
      up += s.up;
      down += s.down;
    }
    return { up: (up * 8) / windowMs, down: (down * 8) / windowMs };
  }

  private push(t: number, up: number, down: number): void {
    this.window.push({ t, up, down });
    if (this.window.length > 512) this.trim(t, 1000);
  }

  private trim(nowMs: number, windowMs: number): void {
    let drop = 0;
    while (drop < this.window.length && this.window[drop]!.t < nowMs - windowMs) drop++;
    if (drop > 0) this.window.splice(0, drop);
  }
}

function frameHeader(bytes: number): number {
  return bytes < 126 ? 2 : bytes < 65536 ? 4 : 10;
}
