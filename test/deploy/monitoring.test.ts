import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deleteKeysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.ts';
import { startTestServer } from '../helpers/server.ts';

/**
 * The shipped Prometheus alert rules and Grafana dashboard (tools/deploy/monitoring/) name only
 * metrics a game process really serves: checked against the metric families of a live
 * server's /metrics, scale-out (Redis) on, so a renamed metric breaks this test and not an
 * operator's alerting.
 */
const MONITORING = fileURLToPath(new URL('../../tools/deploy/monitoring/', import.meta.url));
/** Series that come from elsewhere: Prometheus' own scrape health, and postgres_exporter (compose profile "store"). */
const FROM_ELSEWHERE = new Set(['up', 'pg_up']);
/** What the alerts must cover (the deployment issue's list), by alert name. */
const REQUIRED_ALERTS = ['ArenaProcessDown', 'ArenaTickP99High', 'ArenaSecurityRejectionSpike', 'ArenaRedisDown', 'ArenaDatabaseDown'];

const prefix = uniqueKeyPrefix('monitoring');
let server: Awaited<ReturnType<typeof startTestServer>>;
let families: Map<string, string>;

beforeAll(async () => {
  server = await startTestServer({ operations: { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: prefix, publicAddress: '127.0.0.1:9' } });
  const text = await (await fetch(`${server.endpoint}/metrics`)).text();
  // `# TYPE name type` for every family, whether or not it has samples yet.
  families = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
});
afterAll(async () => {
  await server?.close();
  await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
});

/**
 * Metric names in a PromQL expression, by Prometheus' own PromQL grammar (the one its web UI
 * uses): the identifier of every vector selector. A syntax error is a failure here.
 */
function metricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names = new Set<string>();
  let error: string | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) error ??= `syntax error at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.from + 20)}`;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to));
    },
  });
  if (error) throw new Error(`${error} in ${expr}`);
  return [...names];
}

/** Whether /metrics serves `name`: a family, or a histogram's `_bucket`, `_sum` or `_count` series. */
function served(name: string): boolean {
  if (families.has(name)) return true;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return base !== undefined && (families.get(base) === 'histogram' || (families.get(base) === 'summary' && !name.endsWith('_bucket')));
}

function expectServed(where: string, expr: string): void {
  const names = metricNames(expr);
  expect(names.length, `${where}: no metric in ${expr}`).toBeGreaterThan(0);
  for (const name of names) {
    if (FROM_ELSEWHERE.has(name)) continue;
    expect(served(name), `${where}: ${name} is not served by /metrics`).toBe(true);
  }
}

describe('monitoring files against a live /metrics', () => {
  it('reads metric names out of PromQL and refuses a syntax error', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (instance, le) (rate(game_tick_duration_seconds_bucket{job="arena"}[5m]))) > 0.010'))
      .toEqual(['game_tick_duration_seconds_bucket']);
    expect(metricNames('rate(a_total[5m]) > 10 * sum by (x) (rate(a_total[1h] offset 5m)) and on (instance) b == 0')).toEqual(['a_total', 'b']);
    expect(() => metricNames('sum(rate(a_total[5m]) ))')).toThrow(/syntax error/);
  });

  it('every alert rule is complete and names only served metrics; the required alerts exist', () => {
    const file = parse(readFileSync(`${MONITORING}alerts.yml`, 'utf8')) as { groups: Array<{ name: string; rules: Array<Record<string, any>> }> };
    const rules = file.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.expr, rule.alert).toEqual(expect.any(String));
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toEqual(expect.any(String));
      expectServed(rule.alert, rule.expr);
    }
    // Redis is watched through the process' own view of it.
    expect(families.get('game_redis_up')).toBe('gauge');
  });

  it('every Grafana panel query names only served metrics', () => {
    const dashboard = JSON.parse(readFileSync(`${MONITORING}grafana-dashboard.json`, 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      // Grafana fills in $__rate_interval (at least four scrape intervals) before Prometheus sees the query.
      for (const target of panel.targets) expectServed(panel.title, target.expr.replaceAll('$__rate_interval', '1m'));
    }
  });
});
