import { log } from '../observability/log.ts';

/** What a signal ends: a running server (server/app.ts's RunningServer). */
export interface Stoppable {
  /** Graceful: running matches go on until the drain deadline, then close. */
  drain(): Promise<void>;
  /** Now: matches end (scores are sent), then the server closes. */
  close(): Promise<void>;
}

/** Past the drain deadline, how long shutdown may still take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Process signals for `npm start` and cluster processes:
 * - SIGTERM (orchestrators, rolling restarts): graceful drain, then exit 0.
 * - SIGINT (Ctrl-C) or a second signal: end matches now (scores are sent), then exit 0.
 * - If shutdown hangs (e.g. Redis is down and Colyseus waits on it), exit 1 after the deadline
 *   plus a grace period rather than never.
 *
 * A stray promise rejection is logged, never fatal: one bad request or a Redis hiccup must not
 * take every match on the process down with it. (Exceptions inside rooms are contained by the
 * room; an uncaught exception elsewhere leaves the process in an unknown state and still exits.)
 */
export function handleProcessSignals(running: Stoppable, drainDeadlineS: number): void {
  let mode: 'running' | 'draining' | 'closing' = 'running';
  const finish = (how: Promise<void>, budgetMs: number) => {
    const timer = setTimeout(() => {
      log.error({ budgetMs }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, budgetMs);
    timer.unref();
    how.then(
      () => { log.info('shut down'); process.exit(0); },
      (err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1); },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (mode === 'closing') return;
    if (mode === 'running' && signal === 'SIGTERM') {
      mode = 'draining';
      log.info({ signal, drainDeadlineS }, 'draining: no new rooms; matches end by the deadline');
      finish(running.drain(), drainDeadlineS * 1000 + SHUTDOWN_GRACE_MS);
      return;
    }
    mode = 'closing';
    log.info({ signal }, 'shutting down now');
    finish(running.close(), SHUTDOWN_GRACE_MS);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}
