import { TICK_HZ } from '../../../shared/limits.ts';
import type { MatchEnd } from '../../../shared/messages.ts';
import type { BallMatchValues } from '../../../shared/games/ball/definition.ts';

/**
 * The two teams as people see them: team 0 defends the left goal. Blue and orange are told apart
 * with any colour vision (Okabe and Ito's palette), so one palette serves everyone.
 */
export const TEAMS = [
  { name: 'Blue', colour: 0x56b4e9, css: '#56b4e9' },
  { name: 'Orange', colour: 0xe69f00, css: '#e69f00' },
] as const;

export function teamOf(team: number): (typeof TEAMS)[number] {
  return TEAMS[team === 1 ? 1 : 0];
}

/** The line over the pitch: the winner, a goal and the kickoff countdown, or nothing while play runs. */
export function ballNotice(match: BallMatchValues, tick: number, selfTeam: number | undefined): string {
  if (match.winner === 0 || match.winner === 1) {
    const won = `${teamOf(match.winner).name} wins ${Math.max(match.scoreLeft, match.scoreRight)}–${Math.min(match.scoreLeft, match.scoreRight)}`;
    return selfTeam === undefined ? won : `${won} · ${selfTeam === match.winner ? 'you won!' : 'you lost'}`;
  }
  if (tick < match.resumeTick) return `Goal! Kickoff in ${Math.max(1, Math.ceil((match.resumeTick - tick) / TICK_HZ))}`;
  return '';
}

/** One line for the lobby after a ball match: the result, from our side. */
export function describeBallEnd(end: MatchEnd, match: BallMatchValues | undefined, selfTeam: number | undefined): string {
  const why = end.reason === 'shutdown' ? 'Match over: the server is restarting.' : 'Match over.';
  if (match === undefined) return why;
  const score = `${TEAMS[0].name} ${match.scoreLeft}–${match.scoreRight} ${TEAMS[1].name}`;
  // A match that ran out of time (or was cut short) is won by the team ahead.
  const winner = match.winner === 0 || match.winner === 1 ? match.winner : match.scoreLeft === match.scoreRight ? undefined : match.scoreLeft > match.scoreRight ? 0 : 1;
  if (winner === undefined) return `${why} A draw: ${score}.`;
  const result = selfTeam === undefined ? `${teamOf(winner).name} won` : selfTeam === winner ? 'Your team won' : 'Your team lost';
  return `${why} ${result}: ${score}.`;
}
