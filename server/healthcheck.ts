import http from 'node:http';
import https from 'node:https';
import { DEFAULT_PORT } from '../shared/limits.ts';

/**
 * `node dist/server/healthcheck.js`: exits 0 when the game process on this machine answers
 * `/readyz` with 200 (it should get players), 1 otherwise (draining, Redis lost, not listening,
 * or no answer within the timeout). The container's HEALTHCHECK (tools/deploy/Dockerfile); reads
 * PORT, HOST and TLS_CERT_FILE as the server does.
 */
const TIMEOUT_MS = 3000;
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

const host = WILDCARD_HOSTS.has(process.env.HOST ?? '') ? '127.0.0.1' : process.env.HOST!;
const port = Number(process.env.PORT || DEFAULT_PORT);
const secure = Boolean(process.env.TLS_CERT_FILE);
// The certificate names the public host, not this loopback address: the process checks itself.
const request = (secure ? https : http).get({ host, port, path: '/readyz', timeout: TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
