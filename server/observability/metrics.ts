import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process' Prometheus registry. Every counter the server keeps lives here, so `/metrics`
 * exposes all of them and tests can read them without scraping.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Messages dropped because they failed validation or broke a rule, by kind. */
export const violationsTotal = new Counter({
  name: 'game_violations_total',
  help: 'Client messages rejected, by kind of violation',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Exceptions thrown out of room code and contained by the room, by room method. */
export const roomErrorsTotal = new Counter({
  name: 'game_room_errors_total',
  help: 'Exceptions contained inside rooms, by room method',
  labelNames: ['method'] as const,
  registers: [registry],
});

/** Joins refused before a seat was given, by reason. */
export const joinRejectionsTotal = new Counter({
  name: 'game_join_rejections_total',
  help: 'Join or create requests refused, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

/**
 * Everything a security rule refused, by where it was caught (`stage`: tcp, http, upgrade,
 * auth, message, connection) and why (`reason`, a fixed vocabulary: see SECURITY.md).
 */
export const securityRejectionsTotal = new Counter({
  name: 'game_security_rejections_total',
  help: 'Sockets, requests, upgrades, joins and messages refused by a security rule, by stage and reason',
  labelNames: ['stage', 'reason'] as const,
  registers: [registry],
});

/** Read one labelled counter's current value (tests, health output). */
export async function counterValue(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const data = await counter.get();
  const hit = data.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}
