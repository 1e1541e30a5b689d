import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATIONS } from '../../server/cluster/config.ts';
import { DEFAULT_CLIENT_DIR, loadConfig } from '../../server/config.ts';
import { DEFAULT_DOWNSTREAM_BUDGET_KBPS, DEFAULT_INTEREST } from '../../server/interest/config.ts';
import { DEFAULT_SECURITY } from '../../server/security/limits.ts';
import { DEFAULT_CHECKPOINT_INTERVAL_S, DEFAULT_DATA_DIR, DEFAULT_STORE_QUEUE_MAX } from '../../server/store/config.ts';
import * as engineLimits from '../../shared/limits.ts';
import * as tuning from '../../shared/tuning.ts';

/**
 * Figures the docs give for a setting or a constant by name equal the code's. Two forms are
 * read: the default column of the README's configuration table, and "`NAME` (20 s)" in prose,
 * in README.md and docs/*.md. A figure written any other way is not checked: write it this way.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const config = loadConfig({});
/** Environment variables' defaults, from the code that applies them. */
const ENV_DEFAULTS: Record<string, string | number | boolean | null | readonly string[]> = {
  PORT: config.port,
  HOST: config.host,
  PATCH_HZ: config.patchHz,
  MAX_PLAYERS: config.defaultMaxPlayers,
  MAX_SPECTATORS: config.maxSpectators!,
  INTEREST_MANAGEMENT: DEFAULT_INTEREST.enabled ? 'on' : 'off',
  DOWNSTREAM_BUDGET_KBPS: DEFAULT_DOWNSTREAM_BUDGET_KBPS,
  CLIENT_DIR: path.relative(ROOT, DEFAULT_CLIENT_DIR),
  TLS_CERT_FILE: config.tls?.certPath ?? null,
  TLS_KEY_FILE: config.tls?.keyPath ?? null,
  ALLOWED_ORIGINS: DEFAULT_SECURITY.allowedOrigins as string,
  REQUIRE_ORIGIN: DEFAULT_SECURITY.requireOrigin,
  TRUSTED_PROXIES: DEFAULT_SECURITY.trustedProxies,
  RATE_LIMIT_EXEMPT_IPS: DEFAULT_SECURITY.rateLimitExemptIps,
  GUEST_TOKEN_TTL_S: DEFAULT_SECURITY.guestTokenTtlS,
  MAX_CONNECTIONS_PER_IP: DEFAULT_SECURITY.maxConnectionsPerIp,
  JOINS_PER_IP_PER_MINUTE: DEFAULT_SECURITY.joinsPerIpPerMinute,
  GUEST_TOKENS_PER_IP_PER_MINUTE: DEFAULT_SECURITY.guestTokensPerIpPerMinute,
  DASHBOARD_TOKEN: config.dashboardToken ?? null,
  METRICS_TOKEN: config.metricsToken ?? null,
  REPLAY_DIR: config.replayDir,
  REPLAY_CHECKSUM_TICKS: config.replayChecksumTicks,
  REDIS_URL: DEFAULT_OPERATIONS.redisUrl,
  REDIS_KEY_PREFIX: DEFAULT_OPERATIONS.redisKeyPrefix,
  HEARTBEAT_INTERVAL_MS: DEFAULT_OPERATIONS.heartbeatIntervalMs,
  HEARTBEAT_MAX_MISSED: DEFAULT_OPERATIONS.heartbeatMaxMissed,
  RECONNECT_WINDOW_S: DEFAULT_OPERATIONS.reconnectWindowS,
  MATCH_DURATION_S: DEFAULT_OPERATIONS.matchDurationS,
  DRAIN_DEADLINE_S: DEFAULT_OPERATIONS.drainDeadlineS,
  MATCHMAKE_TIMEOUT_MS: DEFAULT_OPERATIONS.matchmakeTimeoutMs,
  ROOM_PLACEMENT: DEFAULT_OPERATIONS.roomPlacement,
  ADMIN_TOKEN: config.adminToken ?? null,
  DATA_DIR: DEFAULT_DATA_DIR,
  DATABASE_URL: config.store?.databaseUrl ?? null,
  STORE: config.store === null ? 'off' : 'on',
  STORE_QUEUE_MAX: config.store?.queueMax ?? DEFAULT_STORE_QUEUE_MAX,
  MATCH_CHECKPOINT_INTERVAL_S: config.store?.checkpointIntervalS ?? DEFAULT_CHECKPOINT_INTERVAL_S,
};
/**
 * Rows whose default is not a value of the code's, with what the code must hold instead: a
 * default computed at start (a random secret, this server's own address) or read elsewhere.
 */
const DESCRIBED_DEFAULTS: Record<string, { doc: RegExp; code: unknown; holds: (v: unknown) => boolean }> = {
  AUTH_SECRET: { doc: /^random per process$/, code: DEFAULT_SECURITY.authSecret, holds: (v) => v === null },
  PUBLIC_ADDRESS: { doc: /^`HOST:PORT`$/, code: DEFAULT_OPERATIONS.publicAddress, holds: (v) => v === null },
  // Set by the server itself when unset (tests run it otherwise, so the file is read, not the variable).
  NODE_ENV: { doc: /^`production`$/, code: readFileSync(path.join(ROOT, 'server/productionDefault.ts'), 'utf8'), holds: (v) => /process\.env\.NODE_ENV \|\|= 'production'/.test(String(v)) },
  // pino's level, read in server/observability/log.ts when it loads (tests set it, so not read here).
  LOG_LEVEL: { doc: /^`info`$/, code: readFileSync(path.join(ROOT, 'server/observability/log.ts'), 'utf8'), holds: (v) => /process\.env\.LOG_LEVEL \?\? 'info'/.test(String(v)) },
};

/** Named numbers in prose: environment defaults, shared/limits.ts and shared/tuning.ts. */
const NUMBERS: Record<string, number> = Object.fromEntries([
  ...Object.entries(ENV_DEFAULTS).filter((e): e is [string, number] => typeof e[1] === 'number'),
  ...[...Object.entries(engineLimits), ...Object.entries(tuning)].filter((e): e is [string, number] => typeof e[1] === 'number'),
]);

/** A doc's `N unit` as a number in the unit of `name` (its suffix: _MS, _S). */
function inNameUnit(name: string, figure: string, unit: string): number {
  const [a, b] = figure.replace(/,/g, '').split('/');
  const n = b === undefined ? Number(a) : Number(a) / Number(b);
  if (name.endsWith('_MS') && unit === 's') return n * 1000;
  if (name.endsWith('_S') && unit === 'ms') return n / 1000;
  return n;
}

function expectDefault(name: string, doc: string): void {
  const described = DESCRIBED_DEFAULTS[name];
  if (described) {
    expect(doc, name).toMatch(described.doc);
    expect(described.holds(described.code), `${name}: the code no longer matches "${doc}"`).toBe(true);
    return;
  }
  expect(Object.keys(ENV_DEFAULTS), `README row ${name}: add it to this test`).toContain(name);
  const code = ENV_DEFAULTS[name];
  if (code === null || code === undefined) expect(doc, name).toMatch(/^\(?unset/);
  else if (code === '' || (Array.isArray(code) && code.length === 0)) expect(doc, name).toBe('empty');
  else expect(doc, name).toBe(`\`${String(code)}\``);
}

describe('figures in the docs', () => {
  it('the README configuration table gives every default as the code has it', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| Variable | Default | Meaning |'));
    const rows = [...table.matchAll(/^\| ((?:`[A-Z0-9_]+`(?:, )?)+) \| ([^|]+) \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(30);
    for (const [, names, doc] of rows) {
      for (const name of names!.match(/[A-Z0-9_]+/g)!) expectDefault(name, doc!.trim());
    }
  });

  it('every "`NAME` (figure)" in README.md and docs/ equals the named default or constant', () => {
    let checked = 0;
    for (const file of DOCS) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/`([A-Z][A-Z0-9_]+)` \((\d[\d,]*(?:\/\d+)?)(?:\s*(ms|s)\b)?/g)) {
        const [, name, figure, unit] = m as unknown as [string, string, string, string | undefined];
        if (!(name in NUMBERS)) continue;
        expect(inNameUnit(name, figure, unit ?? ''), `${file}: \`${name}\` (${figure}${unit ? ` ${unit}` : ''})`).toBe(NUMBERS[name]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('the dead-connection time the docs give follows from the heartbeat defaults', () => {
    const { heartbeatIntervalMs: ping, heartbeatMaxMissed: missed } = DEFAULT_OPERATIONS;
    const range = `${(ping * missed) / 1000}–${(ping * (missed + 1)) / 1000} s`;
    for (const file of ['README.md', 'docs/SCALING.md', 'docs/PROTOCOL.md']) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const stated = [...text.matchAll(/(?:dropped within|is dropped|connection is found in) (\d+(?:\.\d+)?–\d+(?:\.\d+)? s)/g)].map((m) => m[1]);
      expect(stated.length, file).toBeGreaterThan(0);
      for (const s of stated) expect(s, file).toBe(range);
    }
  });
});
