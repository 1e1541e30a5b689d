import { NET_REPORT_INTERVAL_MS, DEFAULT_PATCH_HZ } from '../../shared/limits.ts';
import { DEFAULT_AREA, WHOLE_MAP_AREA, type AreaSize } from './area.ts';

/** How a room decides what each client receives (docs/INTEREST.md). */
export interface InterestOptions {
  /** `false`: every client receives every entity, unbudgeted (the comparison baseline). */
  enabled: boolean;
  /**
   * Bytes per patch per client for the whole patch frame (timing prefix, shared part, view part,
   * and a reserve for the netcode report and events that ride with it): updates of bodies in view
   * and new projectiles are spent most important first and the rest wait for later patches.
   * Entering and leaving bodies, the client's own body and updates that waited `maxDeferPatches`
   * go regardless. 0: no budget.
   */
  budgetBytesPerPatch: number;
  /** Part of the budget kept for the frames that ride with patches (see `reservedBytesPerPatch`). */
  reservedBytesPerPatch: number;
  /** An entity in view is updated at least every this many patches, budget or not. */
  maxDeferPatches: number;
  /** Distance at which an entity's priority is half that of one next to the viewer. */
  priorityHalfDistancePx: number;
  /** Side of a grid cell (a few per viewport: small enough to bound a scan, large enough to cross rarely). */
  cellPx: number;
}

/** Default downstream budget per client (kbit/s of WebSocket payload): what a phone on a weak link can keep up with. */
export const DEFAULT_DOWNSTREAM_BUDGET_KBPS = 32;

/** The per-patch byte budget for a downstream budget in kbit/s at `patchHz` patches a second. */
export function budgetBytesPerPatch(kbps: number, patchHz: number): number {
  return Math.floor((kbps * 1000) / 8 / patchHz);
}

/** Largest netcode report (`net`: message code, type, four small msgpack integers). */
const NET_REPORT_MAX_BYTES = 12;
/** Kill-feed events are rare and go only to those who had either player in view; this covers them on average. */
const EVENT_RESERVE_BYTES_PER_PATCH = 2;
/**
 * What each patch's share of the frames that ride with patches costs on average: reserved out of
 * the budget so the client's whole downstream stays within it.
 */
export function reservedBytesPerPatch(patchHz: number): number {
  return Math.ceil(NET_REPORT_MAX_BYTES * (1000 / patchHz) / NET_REPORT_INTERVAL_MS) + EVENT_RESERVE_BYTES_PER_PATCH;
}

export const DEFAULT_INTEREST: InterestOptions = {
  enabled: true,
  budgetBytesPerPatch: budgetBytesPerPatch(DEFAULT_DOWNSTREAM_BUDGET_KBPS, DEFAULT_PATCH_HZ),
  reservedBytesPerPatch: reservedBytesPerPatch(DEFAULT_PATCH_HZ),
  maxDeferPatches: 4,
  priorityHalfDistancePx: 300,
  cellPx: 400,
};

export function areaSize(options: InterestOptions): AreaSize {
  return options.enabled ? DEFAULT_AREA : WHOLE_MAP_AREA;
}
