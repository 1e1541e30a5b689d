import { BATTLE_ROOM } from '../shared/limits.ts';
import { SoundSystem } from './audio/sound.ts';
import { sameOriginEndpoint } from './net/endpoint.ts';
import { parseNetSim } from './net/netsim/config.ts';
import { fetchRooms } from './net/roomList.ts';
import type { PlaySession } from './net/playSession.ts';
import { settings } from './settings/settings.ts';
import { showLobby, type LobbyActions } from './ui/lobbyForm.ts';
import { LOBBY_INTERACTIVE_MARK, markOnce } from './ui/marks.ts';

/**
 * The page's first chunk: the DOM lobby and nothing heavy. The network layer (Colyseus SDK) and
 * the game (Phaser, scenes) are separate chunks that start downloading at once, while the player
 * types a name; a click before they have arrived waits for them (README, "Page load").
 */
const endpoint = sameOriginEndpoint(window.location);
// Dev setting: `?netsim=mobile` or `?netsim=rtt=150,jitter=30,loss=5,kbps=512` plays through the
// network condition simulator (see docs/NETCODE.md). The net graph (N) shows it.
const netsimParam = new URLSearchParams(window.location.search).get('netsim');
const netsim = netsimParam ? parseNetSim(netsimParam) : undefined;
if (netsim) console.info(`netsim: ${netsim.label}`);

// Sound starts with the player's first click, key or tap (browsers allow no sooner): made here,
// with the lobby, so the click that joins a room is that gesture even while the game downloads.
const sound = new SoundSystem(settings);

const lobbies = Promise.all([import('./net/lobby.ts'), import('../shared/games/ball/definition.ts')]).then(([{ Lobby }, { BALL_GAME }]) => {
  // Codes of ball rooms join the ball game (a player can pass theirs on), any other an arena.
  const lobby = new Lobby(endpoint, { netsim, games: [BALL_GAME] });
  // The large-room mode and the second game, as the same guest.
  const battle = new Lobby(endpoint, { roomName: BATTLE_ROOM, auth: lobby.auth, netsim });
  const ball = new Lobby(endpoint, { roomName: BALL_GAME.rooms[0]!.name, auth: lobby.auth, netsim });
  return { lobby, battle, ball, ballGame: BALL_GAME };
});
const game = import('./game.ts');
// Boot Phaser as soon as it has arrived; a failed download surfaces on the click that needs it,
// as the lobby's error line.
lobbies.catch(() => undefined);
game.then((view) => view.prepare(), () => undefined);

const actions: LobbyActions = {
  listRooms: () => fetchRooms(endpoint),
  quickPlay: async (name) => (await lobbies).lobby.quickPlay(name),
  createPrivate: async (name) => (await lobbies).lobby.createPrivate(name),
  joinByCode: async (code, name) => (await lobbies).lobby.enterByCode(code, name),
  spectate: async (code, name) => (await lobbies).lobby.enterByCode(code, name, true),
  battle: async (name) => (await lobbies).battle.quickPlay(name),
  ball: async (name) => {
    const { ball, ballGame } = await lobbies;
    return ball.playGame(ballGame, name);
  },
  profile: async (name) => (await (await lobbies).lobby.auth?.signIn(name)) ?? null,
};

async function enter(session: PlaySession): Promise<void> {
  let view: Awaited<typeof game>;
  try {
    view = await game;
  } catch {
    await session.leave().catch(() => undefined);
    throw new Error('The game could not be loaded: check your connection and reload the page.');
  }
  closeLobby();
  // The results screen shows the match's record (written by the server just after the end).
  let matchId: string | undefined;
  session.events.on('matchEnd', (end) => { matchId = end.matchId; });
  view.play(session, sound, (message) => { closeLobby = showLobby(actions, message, enter, matchId); });
}

let closeLobby = showLobby(actions, '', enter);
markOnce(LOBBY_INTERACTIVE_MARK);
