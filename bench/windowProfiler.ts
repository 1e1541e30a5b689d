import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/**
 * A V8 CPU profile of one benchmark window only (not start-up, joins or warm-up), for the
 * process it runs in: started at the window's mark, written when the window is read. Used by
 * the server agent and the load generator when BENCH_PROFILE_DIR is set (`--profile DIR`).
 */
export class WindowProfiler {
  private session: Session | undefined;

  constructor(private readonly dir = process.env.BENCH_PROFILE_DIR, private readonly label = process.env.BENCH_PROFILE_LABEL ?? 'process') {}

  get enabled(): boolean {
    return this.dir !== undefined && this.dir !== '';
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    await this.stop();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    // 200 µs sampling: fine enough for functions of a few microseconds, cheap enough not to skew.
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    // Allocation sites too (sampled every 16 KB): what feeds the garbage collector.
    if (process.env.BENCH_HEAP_PROFILE === '1') await session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    this.session = session;
  }

  /** Stop and write `<dir>/<label>-<pid>-<n>.cpuprofile`; returns its path. */
  async stop(): Promise<string | undefined> {
    const session = this.session;
    if (session === undefined) return undefined;
    this.session = undefined;
    const { profile } = await session.post('Profiler.stop');
    const stamp = `${this.label}-${process.pid}-${Date.now()}`;
    if (process.env.BENCH_HEAP_PROFILE === '1') {
      const { profile: heap } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(path.join(this.dir!, `${stamp}.heapprofile`), JSON.stringify(heap));
    }
    session.disconnect();
    const file = path.join(this.dir!, `${stamp}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    return file;
  }
}
