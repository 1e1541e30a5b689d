import { format } from 'node:util';
import { log } from './log.ts';

/**
 * Colyseus logs through `console` unless given a logger. Route it into the process' pino
 * logger so its lines (Redis connection errors, refused reconnection tokens) are JSON like ours,
 * obey LOG_LEVEL, and stay out of test output.
 */
export const colyseusLogger = {
  debug: (...args: unknown[]) => log.debug({ source: 'colyseus' }, format(...args)),
  trace: (...args: unknown[]) => log.trace({ source: 'colyseus' }, format(...args)),
  info: (...args: unknown[]) => log.info({ source: 'colyseus' }, format(...args)),
  warn: (...args: unknown[]) => log.warn({ source: 'colyseus' }, format(...args)),
  error: (...args: unknown[]) => log.error({ source: 'colyseus' }, format(...args)),
};
