import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { matchMaker } from '@colyseus/core';
import { bytesInTotal, bytesOutTotal, messagesInTotal } from '../observability/metrics.ts';
import { roomSnapshots, type RoomSnapshot } from '../observability/roomMetrics.ts';
import { percentile } from '../observability/sampleRing.ts';
import { tickRecorder } from '../observability/tickRecorder.ts';
import { collectSocketBytes } from '../observability/transportMetrics.ts';

/** One point of the dashboard's charts: the last second of this process. */
export interface DashboardSample {
  /** Epoch ms. */
  t: number;
  ccu: number;
  rooms: number;
  /** Server ticks (back-to-back room work; see tickRecorder.ts), ms. */
  tickMsP50: number;
  tickMsP99: number;
  /** Single room step or patch, ms. */
  roomTickMsP99: number;
  eventLoopMsP99: number;
  bytesOutPerSec: number;
  bytesInPerSec: number;
  messagesInPerSec: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Fullest rooms first, at most MAX_LISTED_ROOMS. */
  roomList: RoomSnapshot[];
  /** Rooms not listed. */
  roomsNotListed: number;
}

export const SAMPLE_INTERVAL_MS = 1000;
/** Two minutes of history for a viewer who just arrived. */
export const HISTORY_SAMPLES = 120;
export const MAX_LISTED_ROOMS = 50;

async function counterTotal(counter: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> {
  const data = await counter.get();
  return data.values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * Samples the process once a second while at least one viewer is subscribed (and not at all
 * otherwise), keeping a short history so a new viewer's charts start full.
 */
export class DashboardSampler {
  private readonly listeners = new Set<(sample: DashboardSample) => void>();
  private readonly history: DashboardSample[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private loopDelay: IntervalHistogram | undefined;
  private serverTickCursor = 0;
  private roomTickCursor = 0;
  private last: { t: number; out: number; in: number; messages: number } | undefined;

  get viewers(): number {
    return this.listeners.size;
  }

  /** Receive a sample every second; returns the unsubscribe function. */
  subscribe(listener: (sample: DashboardSample) => void): () => void {
    this.listeners.add(listener);
    if (this.timer === undefined) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  recent(): DashboardSample[] {
    return [...this.history];
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.loopDelay?.disable();
    this.loopDelay = undefined;
  }

  private start(): void {
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    tickRecorder.flush();
    this.serverTickCursor = tickRecorder.serverTicks.written;
    this.roomTickCursor = tickRecorder.roomTicks.written;
    this.last = undefined;
    this.history.length = 0;
    this.timer = setInterval(() => { void this.sample(); }, SAMPLE_INTERVAL_MS);
    this.timer.unref();
    void this.sample();
  }

  private async sample(): Promise<void> {
    collectSocketBytes();
    tickRecorder.flush();
    const now = Date.now();
    const [out, inBytes, messages] = await Promise.all([counterTotal(bytesOutTotal), counterTotal(bytesInTotal), counterTotal(messagesInTotal)]);
    const serverTicks = tickRecorder.serverTicks.since(this.serverTickCursor);
    const roomTicks = tickRecorder.roomTicks.since(this.roomTickCursor);
    this.serverTickCursor = tickRecorder.serverTicks.written;
    this.roomTickCursor = tickRecorder.roomTicks.written;
    const prev = this.last;
    this.last = { t: now, out, in: inBytes, messages };
    // The first call only sets the baseline for the rates.
    if (prev === undefined) return;
    const perSec = (value: number, before: number) => Math.max(0, (value - before) / ((now - prev.t) / 1000));
    const rooms = roomSnapshots();
    const memory = process.memoryUsage();
    const loopP99 = this.loopDelay ? this.loopDelay.percentile(99) / 1e6 : 0;
    this.loopDelay?.reset();

    const sample: DashboardSample = {
      t: now,
      ccu: matchMaker.stats.local.ccu,
      rooms: matchMaker.stats.local.roomCount,
      tickMsP50: percentile(serverTicks, 50),
      tickMsP99: percentile(serverTicks, 99),
      roomTickMsP99: percentile(roomTicks, 99),
      eventLoopMsP99: loopP99,
      bytesOutPerSec: perSec(out, prev.out),
      bytesInPerSec: perSec(inBytes, prev.in),
      messagesInPerSec: perSec(messages, prev.messages),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      roomList: rooms.slice(0, MAX_LISTED_ROOMS),
      roomsNotListed: Math.max(0, rooms.length - MAX_LISTED_ROOMS),
    };
    if (this.timer === undefined) return;
    this.history.push(sample);
    if (this.history.length > HISTORY_SAMPLES) this.history.shift();
    for (const listener of [...this.listeners]) listener(sample);
  }
}
