import type { Client } from '@colyseus/core';
import { TICK_MS } from '../../shared/limits.ts';
import { roomEncoderOf } from '../adapters/colyseusRoom.ts';
import type { ArenaMetadata } from '../../shared/messages.ts';
import { leaveReason } from './leaveReason.ts';
import { joinsTotal, leavesTotal, tickDuration, tickLateness } from './metrics.ts';
import { percentile, SampleRing } from './sampleRing.ts';
import { tickRecorder } from './tickRecorder.ts';

/** What the dashboard lists for one room. */
export interface RoomSnapshot {
  code: string;
  clients: number;
  maxClients: number;
  mapId: string;
  private: boolean;
  /** p99 of this room's recent steps and patches, ms. */
  tickMsP99: number;
}

/** Steps run within this long of the previous one are catch-up steps of the same timer firing. */
const CATCH_UP_GAP_MS = 1;
const ROOM_RING_SAMPLES = 256;

// Bound once: every room's every step and patch is observed.
const simulationTime = tickDuration.labels({ phase: 'simulation' });
const encodeTime = tickDuration.labels({ phase: 'encode' });
const sendTime = tickDuration.labels({ phase: 'send' });
const stepLateness = tickLateness.labels();

/** Rooms of this process that report metrics, for the dashboard's room list. */
const liveRooms = new Set<{ snapshot(): RoomSnapshot }>();

export function roomSnapshots(): RoomSnapshot[] {
  return [...liveRooms].map((r) => r.snapshot()).sort((a, b) => b.clients - a.clients || a.code.localeCompare(b.code));
}

interface EncoderLike { encode: (...args: unknown[]) => unknown; encodeView?: (...args: unknown[]) => unknown }

/** Milliseconds spent in schema encoding since the last reset (all rooms run on one thread). */
let encodeMs = 0;
const timedEncoders = new WeakSet<object>();

/**
 * Colyseus encodes and sends inside `broadcastPatch()`, in one call. To split the two, the
 * room's schema encoder gets a timing wrapper (once per encoder instance); `send` is then the
 * rest of the broadcast. The encoder is reached through the room's private serializer
 * (server/adapters/colyseusRoom.ts): if a
 * Colyseus upgrade moves it, encoding is reported as part of `send` and nothing breaks.
 */
function timeEncoder(room: object): void {
  const encoder = roomEncoderOf(room) as EncoderLike | undefined;
  if (encoder === undefined || timedEncoders.has(encoder)) return;
  timedEncoders.add(encoder);
  for (const method of ['encode', 'encodeView'] as const) {
    const original = encoder[method];
    if (typeof original !== 'function') continue;
    encoder[method] = function timed(this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        encodeMs += performance.now() - t0;
      }
    };
  }
}

/**
 * What the wrapper needs of a game room (server/rooms/ArenaRoom.ts has it): Colyseus' hooks, a
 * fixed `step`, and the listing metadata. Declared here so observability depends on no room.
 */
export interface MeterableRoom {
  readonly roomId: string;
  readonly clients: { readonly length: number };
  maxClients: number;
  metadata: ArenaMetadata | undefined;
  onCreate(options: unknown): Promise<void>;
  onJoin(client: Client, options: unknown, auth?: any): void;
  onLeave(client: Client, code?: number): void;
  onDispose(): Promise<void>;
  step(dtS: number): void;
  sendPatch(): boolean;
  continuePatch(): boolean;
}

type MeterableRoomClass = abstract new (...args: any[]) => MeterableRoom;

/**
 * A game room with metrics: step and patch timing (Prometheus histograms plus the tick
 * recorder behind the dashboard and benchmarks), timer lateness, joins and leaves. A subclass
 * so the room itself stays free of measuring code.
 */
export function withRoomMetrics<T extends MeterableRoomClass>(Base: T): T {
  abstract class MeteredRoom extends Base {
    private readonly recentTicks = new SampleRing(ROOM_RING_SAMPLES);
    private lastStepAtMs = -1;
    private readonly meter = { snapshot: (): RoomSnapshot => this.snapshot() };

    override async onCreate(options: unknown): Promise<void> {
      await super.onCreate(options);
      liveRooms.add(this.meter);
    }

    override onJoin(client: Client, options: unknown, auth?: { name: string }): void {
      super.onJoin(client, options, auth);
      joinsTotal.inc();
    }

    override onLeave(client: Client, code?: number): void {
      leavesTotal.inc({ reason: leaveReason(code) });
      super.onLeave(client);
    }

    override async onDispose(): Promise<void> {
      liveRooms.delete(this.meter);
      await super.onDispose();
    }

    override step(dtS: number): void {
      const t0 = performance.now();
      if (this.lastStepAtMs >= 0) {
        const gap = t0 - this.lastStepAtMs;
        if (gap >= CATCH_UP_GAP_MS) stepLateness.observe(Math.max(0, gap - TICK_MS) / 1000);
      }
      this.lastStepAtMs = t0;
      super.step(dtS);
      const t1 = performance.now();
      simulationTime.observe((t1 - t0) / 1000);
      this.recordWork(t0, t1, 'step');
    }

    override sendPatch(): boolean {
      timeEncoder(this);
      encodeMs = 0;
      const t0 = performance.now();
      const changed = super.sendPatch();
      const t1 = performance.now();
      if (this.clients.length > 0) {
        const encode = Math.min(encodeMs, t1 - t0);
        encodeTime.observe(encode / 1000);
        sendTime.observe((t1 - t0 - encode) / 1000);
        this.recordWork(t0, t1, 'patch');
      }
      return changed;
    }

    /** A later slice of a patch (server/netcode/patchSlices.ts): timed as the patch's send time, a room tick of its own. */
    override continuePatch(): boolean {
      const t0 = performance.now();
      const more = super.continuePatch();
      const t1 = performance.now();
      sendTime.observe((t1 - t0) / 1000);
      // It runs from setImmediate, after the event loop polled sockets: a busy period of its own.
      this.recordWork(t0, t1, 'patch', true);
      return more;
    }

    private recordWork(t0: number, t1: number, phase: 'step' | 'patch', afterPoll = false): void {
      tickRecorder.record(t0, t1, phase, afterPoll);
      this.recentTicks.push(t1 - t0);
    }

    private snapshot(): RoomSnapshot {
      const meta = this.metadata;
      return {
        code: this.roomId,
        clients: this.clients.length,
        // Player seats (Colyseus' maxClients also counts spectator seats).
        maxClients: meta?.maxPlayers ?? this.maxClients,
        mapId: meta?.mapId ?? '?',
        private: meta?.private ?? false,
        tickMsP99: percentile(this.recentTicks.latest(ROOM_RING_SAMPLES), 99),
      };
    }
  }
  return MeteredRoom;
}
