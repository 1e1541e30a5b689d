import type { InputHandle } from '@colyseus/sdk';

/**
 * Our wire `seq` for inputs, kept monotonic across reconnections.
 *
 * The server applies an input only if its `seq` is above the last one it applied for that
 * player (shared/sim/step.ts), and it keeps that number through a reconnection. The SDK's input
 * handle, however, restarts its counters (`sentCount`, `lastProcessed`) at 0 on every
 * reconnect, matching the fresh input buffer the server opens for the new socket. Numbering
 * inputs from `sentCount` would therefore restart at 1 and every input after a reconnect
 * would be dropped as a duplicate. This keeps an offset per SDK epoch instead:
 *
 *   seq = base + sentCount + 1, with base = the last seq sent before the handle was reset.
 *
 * Nothing is applied twice (the server drops seq <= last applied, and seqs only grow) and no
 * acknowledged input is lost (acks come from the server's own count, mapped back the same way;
 * after a reconnect the server also says which seq it applied last: `resumed`).
 */
export class InputSequence {
  private base = 0;
  private lastSent = 0;
  private epoch: number | undefined;
  private ackFloor = 0;
  private ackedSeen = 0;

  /** The seq to put in the input about to be sent with `handle.send()`. */
  next(handle: InputHandle<unknown>): number {
    this.follow(handle);
    // If the send does not go out (socket closed), the next call returns the same seq again,
    // or, after a reset, leaves a gap of one: both are fine, seqs only need to grow.
    this.lastSent = this.base + handle.sentCount + 1;
    return this.lastSent;
  }

  /** Highest seq the server has acknowledged applying. */
  acked(handle: InputHandle<unknown>): number {
    this.follow(handle);
    // Right after a reset `lastProcessed` is 0: that acknowledges nothing of the old epoch.
    const inEpoch = handle.lastProcessed > 0 ? this.base + handle.lastProcessed : 0;
    this.ackedSeen = Math.max(this.ackFloor, inEpoch, this.ackedSeen);
    return this.ackedSeen;
  }

  /** Last seq handed out. */
  get last(): number {
    return this.lastSent;
  }

  /** After a reconnection the server reports the last seq it applied before the drop. */
  resumed(lastInputSeq: number): void {
    this.ackFloor = Math.max(this.ackFloor, lastInputSeq);
  }

  private follow(handle: InputHandle<unknown>): void {
    if (handle.epoch === this.epoch) return;
    if (this.epoch !== undefined) this.base = this.lastSent;
    this.epoch = handle.epoch;
  }
}
