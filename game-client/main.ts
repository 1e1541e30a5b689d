import Phaser from 'phaser';
import { BATTLE_ROOM, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../shared/constants.ts';
import { sameOriginEndpoint } from './net/endpoint.ts';
import { Lobby } from './net/lobby.ts';
import { parseNetSim } from './net/netsim/config.ts';
import { ArenaScene } from './scenes/ArenaScene.ts';
import { LobbyScene } from './scenes/LobbyScene.ts';

// Dev setting: `?netsim=mobile` or `?netsim=rtt=150,jitter=30,loss=5,kbps=512` plays through the
// network condition simulator (see docs/NETCODE.md). The net graph (N) shows it.
const netsimParam = new URLSearchParams(window.location.search).get('netsim');
const netsim = netsimParam ? parseNetSim(netsimParam) : undefined;
if (netsim) console.info(`netsim: ${netsim.label}`);
const lobby = new Lobby(sameOriginEndpoint(window.location), { netsim });
// The large-room mode, as the same guest.
const battle = new Lobby(sameOriginEndpoint(window.location), { roomName: BATTLE_ROOM, auth: lobby.auth, netsim });

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
