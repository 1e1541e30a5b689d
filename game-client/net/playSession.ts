import type { ReplicaSession } from './replicaSession.ts';
import type { GameSession } from './spectator.ts';

/** Any session a match is played or watched through: the arena's, or a replicated game's (net/replicaSession.ts). */
export type PlaySession = GameSession | ReplicaSession<any, any>;

/** Whether `session` plays a game served by the generic room (it carries that game's definition). */
export function isReplicaSession(session: PlaySession): session is ReplicaSession<any, any> {
  return 'game' in session;
}
