import { Counter } from 'prom-client';
import { registry } from '../observability/metrics.ts';
import { interestTotals, snapshotTotals, type InterestTotals } from './stats.ts';

/**
 * Interest management in Prometheus: what each client got, summed over clients and patches.
 * Counted on the hot path as plain numbers (stats.ts) and moved into the counters when scraped.
 */
const FIELDS: Array<[keyof InterestTotals, string]> = [
  ['viewerPatches', 'client_patches'],
  ['visibleBodies', 'bodies_in_view'],
  ['updates', 'body_updates'],
  ['deferred', 'updates_held_back'],
  ['enters', 'enters'],
  ['leaves', 'leaves'],
  ['projectilesSent', 'projectiles_sent'],
  ['viewBytes', 'view_bytes'],
];

let scraped = snapshotTotals();

/**
 * `game_interest_total{what}`: client_patches (one per client per patch), bodies_in_view (other
 * players in view, summed per client-patch: divide by client_patches for the average),
 * body_updates, updates_held_back (by the byte budget), enters, leaves, projectiles_sent,
 * view_bytes (per-client bytes queued by interest management).
 */
export const interestTotal = new Counter({
  name: 'game_interest_total',
  help: 'Interest management per client and patch, summed: client_patches, bodies_in_view, body_updates, updates_held_back, enters, leaves, projectiles_sent, view_bytes',
  labelNames: ['what'] as const,
  registers: [registry],
  collect() {
    for (const [key, what] of FIELDS) {
      const delta = interestTotals[key] - scraped[key];
      if (delta > 0) this.inc({ what }, delta);
    }
    scraped = snapshotTotals();
  },
});
