import { ClientState, type Client } from '@colyseus/core';
import { DEFAULT_PATCH_INTERVAL_MS, INTERP_DELAY_MAX_MS, LAG_COMP_MAX_TICKS, NET_REPORT_INTERVAL_MS, TICK_MS, VIEW_TICK_MODULO } from '../../shared/limits.ts';
import type { NetPong, NetReport } from '../../shared/messages.ts';
import { RttEstimator } from '../../shared/rttEstimator.ts';
import { WindowedExtremum } from '../../shared/windowed.ts';

const PING_SLOTS = 256;
/** A ping unanswered for this long is forgotten (the id slot is reused). */
const PING_TIMEOUT_MS = 5000;
/** How long the worst round trip is remembered when sizing the rewind allowance. */
const RTT_MAX_WINDOW_MS = 10_000;

/** What the server knows about one client's connection. */
class Peer {
  readonly pingSentAt = new Float64Array(PING_SLOTS);
  readonly rtt = new RttEstimator();
  /** Worst recent round trip: a TCP stall delays inputs as it delays pings. */
  readonly rttMax = new WindowedExtremum(RTT_MAX_WINDOW_MS, 'max');
  /** Newest sample not yet reported to the client (-1: none). */
  freshRttMs = -1;
  interpMs = 0;
  spareMin = Infinity;
  late = 0;
  /** Spare inputs when its last input was consumed. */
  spareNow = 0;

  /** Which patch of each report cycle carries this client's report. */
  constructor(readonly phase: number) {}

  rttSample(ms: number, nowMs: number): void {
    this.freshRttMs = Math.round(ms);
    this.rtt.sample(ms);
    this.rttMax.push(nowMs, ms);
  }
}

/**
 * The room's side of the netcode (docs/NETCODE.md):
 *
 * - watches each client's input buffer as the fixed step consumes it (the fewest spare inputs
 *   over a window, and ticks that found none) and reports it back every NET_REPORT_INTERVAL_MS,
 *   right after a patch (one socket write with it), with a ping: 4 small numbers, so the client
 *   can steer its input clock (time dilation) and keep its RTT fresh while idle;
 * - measures each client's round trip itself from those pings' echoes;
 * - turns a firing input's `viewTick` into the shot's rewind, clamped per client to what its
 *   measured round trip (the smoothed one plus two deviations, or the worst of the last 10 s if
 *   larger: a TCP stall delays inputs as it delays pings), its reported interpolation delay
 *   (itself capped) and its queueing in the input buffer explain: a forged view tick gains
 *   nothing beyond that.
 */
export class RoomNetcode {
  private readonly peers = new Map<string, Peer>();
  private reportId = 0;
  private patchCount = 0;
  /** Which peers hear a report in the patch under way (`beginReports`). */
  private reportPhase = -1;
  private joined = 0;
  private readonly reportEveryPatches: number;

  constructor(private readonly now: () => number = () => performance.now(), patchIntervalMs = DEFAULT_PATCH_INTERVAL_MS) {
    this.reportEveryPatches = Math.max(1, Math.round(NET_REPORT_INTERVAL_MS / patchIntervalMs));
  }

  join(sessionId: string): void {
    // Clients take turns, so each patch carries a share of the reports rather than every
    // NET_REPORT_INTERVAL_MS' patch all of them (in a 200-player room, a spike on one patch in four).
    this.peers.set(sessionId, new Peer(this.joined++ % this.reportEveryPatches));
  }

  leave(sessionId: string): void {
    this.peers.delete(sessionId);
  }

  /** Before a tick consumes from `sessionId`'s input buffer, which held `depth` inputs. */
  observeDepth(sessionId: string, depth: number): void {
    const peer = this.peers.get(sessionId);
    if (peer === undefined) return;
    const spare = depth - 1;
    if (spare < 0) peer.late++;
    peer.spareNow = Math.max(0, spare);
    if (spare < peer.spareMin) peer.spareMin = spare;
  }

  /** Rewind (ticks) for a shot in an input carrying `viewTick`, applied at `tick`. */
  rewindFor(sessionId: string, viewTick: number | undefined, tick: number): number {
    const peer = this.peers.get(sessionId);
    if (peer === undefined || viewTick === undefined || !Number.isFinite(viewTick)) return 0;
    const claimed = (((tick - Math.trunc(viewTick)) % VIEW_TICK_MODULO) + VIEW_TICK_MODULO) % VIEW_TICK_MODULO;
    return Math.min(claimed, this.allowedRewind(peer));
  }

  /** Most ticks `sessionId`'s shots may currently be rewound. */
  allowedRewindFor(sessionId: string): number {
    const peer = this.peers.get(sessionId);
    return peer === undefined ? 0 : this.allowedRewind(peer);
  }

  onPong(sessionId: string, [id, interpMs]: NetPong): void {
    const peer = this.peers.get(sessionId);
    if (peer === undefined) return;
    peer.interpMs = Math.min(interpMs, INTERP_DELAY_MAX_MS);
    const sentAt = peer.pingSentAt[id % PING_SLOTS]!;
    if (sentAt <= 0) return;
    peer.pingSentAt[id % PING_SLOTS] = 0;
    const now = this.now();
    const rtt = now - sentAt;
    if (rtt >= 0 && rtt < PING_TIMEOUT_MS) peer.rttSample(rtt, now);
  }

  /**
   * After each patch is sent: report to and ping the clients whose turn it is, so each client
   * hears every NET_REPORT_INTERVAL_MS. The ping's send time is taken now, when it is written, so
   * batching it with the patch does not inflate the round trip. A client still joining waits for
   * its next turn: Colyseus holds messages to it until it has taken the room's state, and a ping
   * held there would measure that wait as round trip (the first sample read 130–150 ms on an
   * 80 ms path, and seeds both ends' smoothed round trip).
   */
  afterPatch(clients: Iterable<Client>): void {
    this.beginReports();
    for (const client of clients) this.reportTo(client);
  }

  /** A patch begins: whose turn it is to hear a report (`reportTo` each client after its patch frame). */
  beginReports(): void {
    this.reportPhase = this.patchCount++ % this.reportEveryPatches;
    this.reportId = (this.reportId + 1) % PING_SLOTS;
  }

  /** Right after `client`'s patch frame of this patch: its report and ping, if it is its turn. */
  reportTo(client: Client): void {
    const peer = this.peers.get(client.sessionId);
    if (peer === undefined || peer.phase !== this.reportPhase || client.state !== ClientState.JOINED) return;
    const id = this.reportId;
    const spare = peer.spareMin === Infinity ? 1 : Math.max(-1, Math.min(127, peer.spareMin));
    const report: NetReport = [id, peer.freshRttMs, spare, Math.min(255, peer.late)];
    peer.pingSentAt[id] = this.now();
    peer.freshRttMs = -1;
    peer.spareMin = Infinity;
    peer.late = 0;
    client.send('net', report);
  }

  /** Smoothed round trip of `sessionId` as the server measured it (0 before the first echo). */
  rttMs(sessionId: string): number {
    return this.peers.get(sessionId)?.rtt.srttMs ?? 0;
  }

  private allowedRewind(peer: Peer): number {
    const rttMs = Math.max(peer.rtt.srttMs + 2 * peer.rtt.rttvarMs, peer.rttMax.value(this.now()) ?? 0);
    const explainedMs = rttMs + peer.interpMs + 2 * TICK_MS;
    return Math.min(LAG_COMP_MAX_TICKS, Math.ceil(explainedMs / TICK_MS) + peer.spareNow);
  }
}
