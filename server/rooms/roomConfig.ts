import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_PATCH_INTERVAL_MS } from '../../shared/limits.ts';
import type { MatchLifecycleOptions } from '../lifecycle/matchLifecycle.ts';
import type { MatchSink } from '../lifecycle/matchLedger.ts';
import type { InterestOptions } from '../interest/config.ts';
import type { PatchSliceLimits } from '../netcode/patchSlices.ts';
import type { AddressList } from '../security/clientAddress.ts';
import type { GuestTokens } from '../security/guestTokens.ts';
import type { ProfileCheck } from '../store/profiles/joinCheck.ts';
import type { RoomKindName } from './roomKinds.ts';

/** What the server hands every room it registers (server/app.ts), whatever game the room runs. */
export interface RoomConfig {
  /** Interval between state patches. */
  patchIntervalMs: number;
  /** Room size when the creator does not ask for one. */
  defaultMaxPlayers: number;
  /** Guest-token verifier: when set, every join and create needs a valid token (see onAuth). */
  guestTokens?: GuestTokens;
  /** How long a reserved seat waits for its WebSocket. */
  seatReservationS?: number;
  /** Record a replay of every room into this folder (null or absent: do not record). */
  replayDir?: string | null;
  /** Replays carry a world checksum every this many ticks. */
  replayChecksumTicks?: number;
  /** Reconnection window, match length, drain deadline (server/lifecycle/matchLifecycle.ts). */
  lifecycle?: MatchLifecycleOptions;
  /** Room type: `arena` (default) or `battle` (large rooms on a map sized for them). */
  kind?: RoomKindName;
  /** Spectator seats besides the players. */
  maxSpectators?: number;
  /** What each client receives (server/interest/). */
  interest?: InterestOptions;
  /** How a large room's patch is split over turns of the event loop (server/netcode/patchSlices.ts; default DEFAULT_PATCH_SLICES). */
  patchSlices?: PatchSliceLimits;
  /** Load generators (RATE_LIMIT_EXEMPT_IPS): no cap on their pending seats per room. */
  rateLimitExempt?: AddressList;
  /** Keep match results (server/store/): where records go, and how often running matches checkpoint. */
  results?: { sink: MatchSink; checkpointIntervalS: number };
  /** The join check of a profile: a refusal (a ban) to refuse the join, and its rating in the room's game when rated (quick play). */
  profileCheck?: ProfileCheck;
}

export const DEFAULT_ROOM_CONFIG: RoomConfig = {
  patchIntervalMs: DEFAULT_PATCH_INTERVAL_MS,
  defaultMaxPlayers: DEFAULT_MAX_PLAYERS_PER_ROOM,
};
