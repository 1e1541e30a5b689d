/**
 * A correction this large is a respawn (a teleport across the map), not a misprediction: the
 * benchmark counts those apart so they do not drown the size percentile.
 */
export const RESPAWN_JUMP_PX = 200;

/** Per-client measurements for the netcode benchmark. */
export class ClientMetrics {
  readonly ackLatencies: number[] = [];
  readonly corrections: number[] = [];
  respawnJumps = 0;

  correction(sizePx: number): void {
    if (sizePx > RESPAWN_JUMP_PX) this.respawnJumps++;
    else this.corrections.push(sizePx);
  }

  readonly jerks: number[] = [];
  interpSum = 0;
  interpFrames = 0;
  underruns = 0;
  private lastPos = new Map<string, { x: number; y: number; alive: boolean }>();

  /** One drawn frame's remote entities. */
  frame(remotes: Iterable<{ id: string; x: number; y: number; alive: boolean }>): void {
    const next = new Map<string, { x: number; y: number; alive: boolean }>();
    for (const p of remotes) {
      const before = this.lastPos.get(p.id);
      if (before && before.alive && p.alive) this.jerks.push(Math.hypot(p.x - before.x, p.y - before.y));
      next.set(p.id, { x: p.x, y: p.y, alive: p.alive });
    }
    this.lastPos = next;
  }

  interp(delayMs: number): void {
    this.interpSum += delayMs;
    this.interpFrames++;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface ClientSummary {
  client: string;
  ackP50Ms: number;
  ackP99Ms: number;
  correctionsPerMin: number | null;
  correctionP99Px: number | null;
  interpDelayMs: number | null;
  underrunsPerMin: number | null;
  jerkP99Px: number;
  kbpsDown: number;
}

export function summarize(client: string, m: ClientMetrics, minutes: number, opts: { predicts: boolean; buffers: boolean; kbpsDown: number }): ClientSummary {
  return {
    client,
    ackP50Ms: percentile(m.ackLatencies, 50),
    ackP99Ms: percentile(m.ackLatencies, 99),
    correctionsPerMin: opts.predicts ? m.corrections.length / minutes : null,
    correctionP99Px: opts.predicts ? percentile(m.corrections, 99) : null,
    interpDelayMs: opts.buffers ? m.interpSum / Math.max(1, m.interpFrames) : 0,
    underrunsPerMin: opts.buffers ? m.underruns / minutes : null,
    jerkP99Px: percentile(m.jerks, 99),
    kbpsDown: opts.kbpsDown,
  };
}
