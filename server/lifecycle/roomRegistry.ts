/** Something this process runs that must be told when the process starts draining. */
export interface Drainable {
  /** Start draining; `deadlineS` overrides the configured deadline (0: end now). */
  drain(deadlineS?: number): void;
}

/**
 * The rooms alive in this process, so a drain can reach them without asking Redis (which may
 * be the thing that is down). Rooms add themselves on create and remove themselves on dispose.
 */
export const liveRooms = new Set<Drainable>();
