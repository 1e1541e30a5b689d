import { TICK_HZ } from '../../shared/limits.ts';
import type { MatchEnd, MatchInfo } from '../../shared/messages.ts';

/** "3:07 left", "server restarting: 0:25 left", or '' for a match without an end. */
export function describeMatchClock(match: MatchInfo | undefined, tick: number): string {
  if (!match || match.endsAtTick === null) return '';
  const leftS = Math.max(0, Math.ceil((match.endsAtTick - tick) / TICK_HZ));
  const clock = `${Math.floor(leftS / 60)}:${String(leftS % 60).padStart(2, '0')} left`;
  return match.draining ? `server restarting: match ends, ${clock}` : clock;
}

/** One line for the lobby after a match ended: why, and who won. */
export function describeMatchEnd(end: MatchEnd, selfId: string): string {
  const why = end.reason === 'shutdown' ? 'Match over: the server is restarting.' : 'Match over.';
  const best = end.scores[0];
  if (!best) return why;
  const you = end.scores.findIndex((s) => s.id === selfId);
  const winner = best.id === selfId ? 'You won' : `${best.name} won`;
  const place = you > 0 ? ` You placed ${you + 1} of ${end.scores.length}.` : '';
  return `${why} ${winner} with ${best.kills} kill${best.kills === 1 ? '' : 's'}.${place}`;
}
