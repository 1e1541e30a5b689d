import Phaser from 'phaser';
import { BATTLE_ROOM, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../shared/constants.ts';
import { sameOriginEndpoint } from './net/endpoint.ts';
import { Lobby } from './net/lobby.ts';
import { ArenaScene } from './scenes/ArenaScene.ts';
import { LobbyScene } from './scenes/LobbyScene.ts';

const lobby = new Lobby(sameOriginEndpoint(window.location));
// The large-room mode, as the same guest.
const battle = new Lobby(sameOriginEndpoint(window.location), { roomName: BATTLE_ROOM, auth: lobby.auth });

const game = new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'game',
  backgroundColor: '#0e1116',
  // The camera's view; the server's area of interest is built around it (shared/constants.ts).
  width: VIEWPORT_WIDTH_PX,
  height: VIEWPORT_HEIGHT_PX,
  scale: { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH },
  // Keep running when the tab loses focus: the server keeps simulating either way.
  disableContextMenu: true,
  scene: [new LobbyScene(lobby, battle), new ArenaScene()],
});

// A read-only hook for end-to-end tests and curious players (`__arena.frame()` in the console).
(window as unknown as { __arena: unknown }).__arena = { game };
