import { pino } from 'pino';

/**
 * One structured logger for the process. JSON lines, so operators can ship them as they are;
 * `LOG_LEVEL` sets the threshold (tests run with `silent` or `warn`).
 * Fields named like secrets are redacted wherever they appear.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: undefined,
  redact: {
    paths: [
      'token', '*.token', 'authorization', '*.authorization', 'reconnectionToken', '*.reconnectionToken', 'cookie', '*.cookie',
      'headers.authorization', '*.headers.authorization', 'headers.cookie', '*.headers.cookie', 'secret', '*.secret', 'authSecret', '*.authSecret',
      'headers["set-cookie"]', '*.headers["set-cookie"]', 'credential', '*.credential',
    ],
    censor: '[redacted]',
  },
});
