/**
 * Serving a patch's clients in slices, giving the event loop back between them.
 *
 * A patch of a large room is one long run of work: in the 200-player battle room about 6–7 ms
 * (median) of budget flushes, view encodes, frames and 200 socket writes, during which no socket
 * of the process is read and no other room steps. Served in slices of about a millisecond, with a
 * turn of the event loop between slices, the same work leaves the loop free every millisecond or
 * so: inputs are read, other rooms step and patch, in between. The room itself does not step until
 * its patch is complete (PatchCadence holds its steps), so every slice serves the same state.
 * Rooms with fewer clients than a slice's minimum are served in one go, as before.
 */

/** A slice ends once it has run this long (from the start of the patch, for the first slice), ms. */
export const PATCH_SLICE_MS = 1;
/** ...and has served at least this many clients, with at least as many left (a room of fewer never splits its patch). */
export const PATCH_SLICE_MIN_CLIENTS = 32;

export interface PatchSliceLimits {
  /** A slice ends after this long, ms (0: after every `minClients`). */
  sliceMs: number;
  /** A slice serves at least this many clients. */
  minClients: number;
}

export const DEFAULT_PATCH_SLICES: PatchSliceLimits = { sliceMs: PATCH_SLICE_MS, minClients: PATCH_SLICE_MIN_CLIENTS };

/** A patch that may be left unfinished by one turn: what the room's cadence drives. */
export interface SlicedPatch {
  /** Part of the last patch is still to be served. */
  readonly inProgress: boolean;
  /** Serve the next slice now; true while more remain. */
  continue(): boolean;
  /** Serve everything left now (a patch must be complete before the next one, or before the room stops). */
  finishNow(): void;
}

/**
 * The clients of one patch, served `serve(client)` one by one in slices; `finish()` once all are.
 * Keeps its own copy of the client list (the room's changes as clients join and leave between slices).
 */
export class PatchSlices<C> implements SlicedPatch {
  private readonly clients: C[] = [];
  private count = 0;
  private next = 0;
  private active = false;

  /** Clients before this index have had `prepare`. */
  private preparedEnd = 0;
  /** The patch's own work before its first client, when left for the second turn (`begin`). */
  private opening: (() => void) | undefined;

  /**
   * `endSlice()` runs after every slice, the last included, even when `serve` throws (what a slice
   * holds open: corked sockets). `prepare(client)` runs ahead of `serve`, for `minClients` clients at
   * a time (all of a room smaller than that): work that is cheaper done for many clients back to
   * back than between other clients' socket writes (the interest layer's budget flushes read the
   * same bodies for every viewer; the sockets' code in between pushes them out of the caches).
   */
  constructor(
    private readonly serve: (client: C) => void,
    private readonly finish: () => void,
    private readonly limits: PatchSliceLimits = DEFAULT_PATCH_SLICES,
    private readonly endSlice: () => void = () => {},
    private readonly prepare: (client: C) => void = () => {},
  ) {}

  get inProgress(): boolean {
    return this.active;
  }

  /**
   * A new patch for `clients`, its first slice now (`startedAtMs`: performance.now() when the patch's
   * work began, so the work before the first client counts against the first slice); true when
   * the rest is left for later turns. `opening`: the patch's work before its first client (the
   * interest pass); a room of at least `minClients` clients runs it in a turn of its own, after
   * the one that called `begin` (whose work, the state sync and the shared encode, is then all
   * this turn holds), and smaller rooms right away.
   */
  begin(clients: ArrayLike<C>, startedAtMs: number, opening?: () => void): boolean {
    if (this.active) this.finishNow();
    for (let i = 0; i < clients.length; i++) this.clients[i] = clients[i]!;
    this.count = clients.length;
    this.next = 0;
    this.preparedEnd = 0;
    this.active = true;
    if (opening !== undefined && this.count >= this.limits.minClients) {
      this.opening = opening;
      return true;
    }
    if (opening !== undefined) this.open(opening);
    return this.run(startedAtMs, true);
  }

  continue(): boolean {
    if (!this.active) return false;
    const startedAtMs = performance.now();
    const opening = this.opening;
    if (opening === undefined) return this.run(startedAtMs, false);
    this.opening = undefined;
    this.open(opening);
    // The slice that runs the opening may end before its first client, as the first slice may.
    return this.run(startedAtMs, true);
  }

  finishNow(): void {
    if (!this.active) return;
    const opening = this.opening;
    this.opening = undefined;
    if (opening !== undefined) this.open(opening);
    this.run(Number.NaN, false);
  }

  /** Run the opening; if it throws, the patch is dropped (no client gets it, as when a patch throws) and the error goes on. */
  private open(opening: () => void): void {
    try {
      opening();
    } catch (error) {
      for (let i = this.next; i < this.count; i++) this.clients[i] = undefined as never;
      this.active = false;
      this.count = 0;
      this.finish();
      throw error;
    }
  }

  private run(startedAtMs: number, first: boolean): boolean {
    try {
      return this.serveSlice(startedAtMs, first);
    } finally {
      this.endSlice();
    }
  }

  /**
   * Serve clients until the slice is spent (never, when `startedAtMs` is NaN), then finish if all are
   * served. A slice ends between clients once it has run `sliceMs` and served `minClients`, and only
   * while at least `minClients` remain (so a room of fewer is served in one turn); the first may end
   * before its first client, when the patch's own work (state sync, interest) already took a slice.
   */
  private serveSlice(startedAtMs: number, first: boolean): boolean {
    const { sliceMs, minClients } = this.limits;
    let served = 0;
    while (this.next < this.count) {
      if ((served >= minClients || (first && served === 0)) && this.count - this.next >= minClients && performance.now() - startedAtMs >= sliceMs) return true;
      if (this.next >= this.preparedEnd) {
        const end = Math.min(this.count, this.next + minClients);
        for (let i = this.next; i < end; i++) this.prepare(this.clients[i]!);
        this.preparedEnd = end;
      }
      const client = this.clients[this.next]!;
      // Released as served: a client that left is not held until the next patch.
      this.clients[this.next++] = undefined as never;
      served++;
      this.serve(client);
    }
    this.active = false;
    this.count = 0;
    this.finish();
    return false;
  }
}
