import Phaser from 'phaser';
import type { SoundSystem } from './audio/sound.ts';
import { debugHook } from './debugHooks.ts';
import { isReplicaSession, type PlaySession } from './net/playSession.ts';
import { ArenaScene, type ArenaData } from './scenes/ArenaScene.ts';
import { BallScene, type BallData } from './scenes/BallScene.ts';
import { fitGameToWindow, screenScaleConfig } from './ui/screen.ts';

/**
 * The Phaser half of the client, in its own chunk: main.ts starts downloading it as soon as the
 * lobby shows and imports it for the first match. One `Phaser.Game` for the page; each match
 * starts its game's scene (the arena, or the scene of a replicated game: `REPLICA_SCENES`) with
 * its session, and the scene hands control back when it closes.
 */

/** The scene that draws each game played through a ReplicaSession, by game id. */
const REPLICA_SCENES: Readonly<Record<string, string>> = { ball: 'ball' };
let game: Phaser.Game | undefined;

function container(): HTMLElement {
  return document.getElementById('game')!;
}

function createGame(): Phaser.Game {
  const created = new Phaser.Game({
    type: Phaser.AUTO,
    parent: container(),
    backgroundColor: '#0e1116',
    // The whole window at the device's resolution; the arena scene lays its camera out in it
    // (ui/hudLayout.ts), and the server's area of interest is built around the largest view
    // (shared/limits.ts, VIEWPORT_*).
    scale: screenScaleConfig(),
    disableContextMenu: true,
    // Sound is ours (audio/sound.ts); Phaser's would open an AudioContext before any gesture.
    audio: { noAudio: true },
    // Added, not started: the arena starts with a session (play below).
    scene: [],
  });
  created.scene.add('arena', ArenaScene, false);
  created.scene.add('ball', BallScene, false);
  fitGameToWindow(created);
  if (debugHook) debugHook.game = created;
  return created;
}

/**
 * Boot Phaser (renderer, texture manager) now, hidden, so a player who is still typing a name
 * pays for it before clicking rather than after. Idempotent.
 */
export function prepare(): void {
  game ??= createGame();
}

/**
 * Show the match of `session` in its game's scene, with the page's `sound` (made by the lobby, so the click that
 * joined could start it); `onClosed` gets the sentence for the lobby when it ends.
 */
export function play(session: PlaySession, sound: SoundSystem, onClosed: (message: string) => void): void {
  game ??= createGame();
  // Hidden (not removed) between matches: the canvas keeps its size and Phaser its context.
  container().style.visibility = 'visible';
  const closed = (message: string) => {
    container().style.visibility = 'hidden';
    onClosed(message);
  };
  if (!isReplicaSession(session)) {
    const data: ArenaData = { session, sounds: sound, onClosed: closed };
    game.scene.start('arena', data);
    return;
  }
  const key = REPLICA_SCENES[session.game.id];
  if (key === undefined) {
    void session.leave();
    closed(`This client cannot show ${session.game.id} matches.`);
    return;
  }
  const data: BallData = { session, sounds: sound, onClosed: closed };
  game.scene.start(key, data);
}
