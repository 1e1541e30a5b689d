import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { percentile } from '../../server/observability/sampleRing.ts';
import { tickRecorder } from '../../server/observability/tickRecorder.ts';
import { WindowProfiler } from '../windowProfiler.ts';

/**
 * The benchmark's eyes inside a server process (any of the three): CPU, memory, event-loop
 * delay and tick timings over a window the orchestrator marks, reported over IPC. Every server
 * reports its room work to the same `tickRecorder`, so the numbers mean the same thing.
 */

export interface ServerWindowStats {
  wallMs: number;
  cpuMs: number;
  /** The same CPU time split: in the process (user) and in the kernel on its behalf (system). */
  userCpuMs: number;
  systemCpuMs: number;
  /**
   * CPU of the main (JavaScript) thread alone, user and system; the rest of `cpuMs` is V8's
   * helper threads (concurrent and parallel garbage collection, compilation) and libuv's pool.
   * Absent from an older commit's agent (`--compare`).
   */
  mainThreadCpuMs?: number;
  rssBytes: number;
  rssPeakBytes: number;
  heapUsedBytes: number;
  /** V8's heap as committed (used or not), and memory outside it held by JS objects (Buffers, ArrayBuffers). */
  heapTotalBytes: number;
  externalBytes: number;
  eventLoopMsP99: number;
  /** Back-to-back room work (see server/observability/tickRecorder.ts), ms. */
  tickMsP50: number;
  tickMsP99: number;
  tickMsMax: number;
  /** Single room callbacks, ms. */
  roomTickMsP99: number;
  roomTicks: number;
  /** The same, by kind: fixed steps and patches (0 where a server reports neither). */
  stepMsP99: number;
  patchMsP99: number;
  /** V8's garbage collection pauses in the window: how many, their total and the longest (ms). */
  gcPauses: number;
  gcPauseMsTotal: number;
  gcPauseMsMax: number;
  ccu: number;
  rooms: number;
  /** Server-specific counters over the window (e.g. interest management totals), when the server reports them. */
  extra?: Record<string, number>;
}

export type AgentRequest = { type: 'mark' } | { type: 'collect'; id: number } | { type: 'stop' };
export type AgentReply = { type: 'ready'; port: number } | { type: 'stats'; id: number; stats: ServerWindowStats };

/**
 * Start answering the orchestrator. `load` reports the server's own player and room counts;
 * `counters`, if given, cumulative counters reported as their change over the window.
 */
export function startAgent(port: number, load: () => { ccu: number; rooms: number }, stop: () => Promise<void>, counters?: () => Record<string, number>): void {
  if (!process.send) throw new Error('the benchmark agent must run in a child process with IPC');
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let markedAt = performance.now();
  let cpuAtMark = process.cpuUsage();
  let threadCpuAtMark = process.threadCpuUsage();
  let serverCursor = tickRecorder.serverTicks.written;
  let roomCursor = tickRecorder.roomTicks.written;
  let stepCursor = tickRecorder.stepTicks.written;
  let patchCursor = tickRecorder.patchTicks.written;
  let serverTicks: number[] = [];
  let roomTicks: number[] = [];
  let stepTicks: number[] = [];
  let patchTicks: number[] = [];
  const gc = { pauses: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.pauses++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let rssPeak = process.memoryUsage().rss;
  let countersAtMark = counters?.();
  const profiler = new WindowProfiler();
  // Drain the recorder's rings often enough that none of a long window is lost.
  const drain = () => {
    tickRecorder.flush();
    for (const v of tickRecorder.serverTicks.since(serverCursor)) serverTicks.push(v);
    for (const v of tickRecorder.roomTicks.since(roomCursor)) roomTicks.push(v);
    for (const v of tickRecorder.stepTicks.since(stepCursor)) stepTicks.push(v);
    for (const v of tickRecorder.patchTicks.since(patchCursor)) patchTicks.push(v);
    serverCursor = tickRecorder.serverTicks.written;
    roomCursor = tickRecorder.roomTicks.written;
    stepCursor = tickRecorder.stepTicks.written;
    patchCursor = tickRecorder.patchTicks.written;
  };
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    drain();
  }, 500);
  sampler.unref();

  process.on('message', (msg: AgentRequest) => {
    if (msg.type === 'mark') {
      drain();
      serverTicks = [];
      roomTicks = [];
      stepTicks = [];
      patchTicks = [];
      gc.pauses = 0;
      gc.totalMs = 0;
      gc.maxMs = 0;
      markedAt = performance.now();
      cpuAtMark = process.cpuUsage();
      threadCpuAtMark = process.threadCpuUsage();
      rssPeak = process.memoryUsage().rss;
      countersAtMark = counters?.();
      loop.reset();
      void profiler.start();
    } else if (msg.type === 'collect') {
      void profiler.stop();
      drain();
      const cpu = process.cpuUsage(cpuAtMark);
      const thread = process.threadCpuUsage(threadCpuAtMark);
      const mem = process.memoryUsage();
      const stats: ServerWindowStats = {
        wallMs: performance.now() - markedAt,
        cpuMs: (cpu.user + cpu.system) / 1000,
        userCpuMs: cpu.user / 1000,
        systemCpuMs: cpu.system / 1000,
        mainThreadCpuMs: (thread.user + thread.system) / 1000,
        rssBytes: mem.rss,
        rssPeakBytes: Math.max(rssPeak, mem.rss),
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        externalBytes: mem.external,
        eventLoopMsP99: loop.count > 0 ? loop.percentile(99) / 1e6 : 0,
        tickMsP50: percentile(serverTicks, 50),
        tickMsP99: percentile(serverTicks, 99),
        tickMsMax: serverTicks.reduce((a, b) => Math.max(a, b), 0),
        roomTickMsP99: percentile(roomTicks, 99),
        roomTicks: roomTicks.length,
        stepMsP99: percentile(stepTicks, 99),
        patchMsP99: percentile(patchTicks, 99),
        gcPauses: gc.pauses,
        gcPauseMsTotal: gc.totalMs,
        gcPauseMsMax: gc.maxMs,
        ...load(),
      };
      if (counters !== undefined && countersAtMark !== undefined) {
        const now = counters();
        stats.extra = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (countersAtMark![k] ?? 0)]));
      }
      process.send!({ type: 'stats', id: msg.id, stats } satisfies AgentReply);
    } else if (msg.type === 'stop') {
      void stop().finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => { void stop().finally(() => process.exit(0)); });
  process.send({ type: 'ready', port } satisfies AgentReply);
}
