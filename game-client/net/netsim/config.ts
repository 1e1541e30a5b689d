import type { LinkConfig } from './link.ts';

/** Both directions of a simulated connection. */
export interface NetSimConfig {
  /** Client -> server. */
  up: LinkConfig;
  /** Server -> client. */
  down: LinkConfig;
  /** Seed for jitter and loss (each direction derives its own). */
  seed: number;
  /** How to show it (net graph, logs). */
  label: string;
}

export interface NetSimSpec {
  /** Round-trip latency, split evenly across the two directions. */
  rttMs: number;
  /** Round-trip jitter, split evenly (each direction gets ± half). */
  jitterMs?: number;
  /** Loss in percent, each direction. */
  lossPct?: number;
  /** Bandwidth cap in kbit/s, each direction. */
  kbps?: number;
  seed?: number;
}

/** Named conditions, also the benchmark's (see docs/NETCODE.md). */
export const NETSIM_PRESETS: Readonly<Record<string, NetSimSpec>> = {
  lan: { rttMs: 0 },
  broadband: { rttMs: 50, jitterMs: 4 },
  mobile: { rttMs: 150, jitterMs: 30, lossPct: 5 },
  satellite: { rttMs: 300, jitterMs: 10 },
};

export function netSim(spec: NetSimSpec): NetSimConfig {
  const half = (v: number | undefined) => (v ?? 0) / 2;
  const link = (): LinkConfig => ({
    latencyMs: half(spec.rttMs),
    jitterMs: half(spec.jitterMs),
    lossRate: (spec.lossPct ?? 0) / 100,
    kbps: spec.kbps,
  });
  const parts = [`${spec.rttMs} ms`];
  if (spec.jitterMs) parts.push(`± ${spec.jitterMs} ms`);
  if (spec.lossPct) parts.push(`${spec.lossPct}% loss`);
  if (spec.kbps) parts.push(`${spec.kbps} kbps`);
  return { up: link(), down: link(), seed: spec.seed ?? 1, label: parts.join(' ') };
}

/**
 * Parse a dev setting such as `mobile`, `rtt=150,jitter=30,loss=5,kbps=512` (the browser's
 * `?netsim=` parameter, the bots' and bench's `--netsim`). Throws on anything else.
 */
export function parseNetSim(text: string): NetSimConfig {
  const preset = NETSIM_PRESETS[text.trim()];
  if (preset) return netSim(preset);
  const spec: NetSimSpec = { rttMs: 0 };
  for (const part of text.split(',')) {
    const [key, raw] = part.split('=').map((s) => s.trim());
    const value = Number(raw);
    if (!key || raw === undefined || !Number.isFinite(value) || value < 0) throw new Error(`netsim: bad setting "${part}"`);
    if (key === 'rtt') spec.rttMs = value;
    else if (key === 'jitter') spec.jitterMs = value;
    else if (key === 'loss') spec.lossPct = Math.min(100, value);
    else if (key === 'kbps') spec.kbps = value;
    else if (key === 'seed') spec.seed = value;
    else throw new Error(`netsim: unknown setting "${key}" (rtt, jitter, loss, kbps, seed, or a preset: ${Object.keys(NETSIM_PRESETS).join(', ')})`);
  }
  return netSim(spec);
}
