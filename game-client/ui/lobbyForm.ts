import { DEFAULT_GAME_ID } from '../../shared/games/ids.ts';
import { NAME_MAX_CHARS, PRIVATE_ROOM_CODE_CHARS } from '../../shared/limits.ts';
import type { RoomListing } from '../../shared/messages.ts';
import type { PlaySession } from '../net/playSession.ts';
import type { GameSession } from '../net/spectator.ts';
import { settings } from '../settings/settings.ts';
import type { PlayerProfile } from '../net/guestAuth.ts';
import { el } from './dom.ts';
import { gameLabel, historyPanel, leaderboardPanel, resultsPanel } from './resultsPanels.ts';
import { openSettingsPanel, type SettingsPanel } from './settingsPanel.ts';

const NAME_KEY = 'arena.name';
const LIST_REFRESH_MS = 2000;

/** The profile's rating in each game it has played rated matches of (the arena's alone from an older server). */
function ratingsText(p: PlayerProfile): string {
  const rated = Object.entries(p.ratings ?? (p.matchesPlayed > 0 ? { [DEFAULT_GAME_ID]: p } : {}));
  if (rated.length === 0) return 'no rated match yet';
  return rated.map(([game, r]) => `${gameLabel(game)} ${r.rating.toFixed(1)} (${r.matchesPlayed} rated match${r.matchesPlayed === 1 ? '' : 'es'})`).join(' · ');
}

/**
 * The name this tab played under, else the last one any tab used (a new tab starts from it).
 * Each tab keeps its own (sessionStorage), so a tab never shows another tab's name.
 */
function rememberedName(): string {
  try {
    return sessionStorage.getItem(NAME_KEY) ?? localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberName(name: string): void {
  try {
    sessionStorage.setItem(NAME_KEY, name);
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Storage blocked: the name is just not remembered.
  }
}

/**
 * What the lobby can do. Plain functions rather than a `Lobby`, so this form (and the page's
 * first chunk) needs neither the Colyseus SDK nor Phaser: the form works while they download.
 */
export interface LobbyActions {
  listRooms(): Promise<RoomListing[]>;
  quickPlay(name: string): Promise<GameSession>;
  createPrivate(name: string): Promise<GameSession>;
  /** A room by its code, whatever game it plays (a ball room's code joins the ball game). */
  joinByCode(code: string, name: string): Promise<PlaySession>;
  spectate(code: string, name: string): Promise<PlaySession>;
  /** Quick play into a `battle` room (the large-room mode); absent: no Battle button. */
  battle?(name: string): Promise<GameSession>;
  /** Quick play into a `ball` room (the second game, two against two); absent: no Ball button. */
  ball?(name: string): Promise<PlaySession>;
  /**
   * This browser's profile (made on the first visit), with `name` set as its display name when
   * given; null when the server keeps no results. Absent: no profile panels.
   */
  profile?(name?: string): Promise<PlayerProfile | null>;
}

/**
 * Name, quick play, private rooms and the public room list: plain DOM (text fields belong to the
 * browser); every string from the server goes in as text. `onEnter` gets the session of a join
 * that succeeded; a join that fails shows its sentence under the form. Returns the teardown.
 */
export function showLobby(actions: LobbyActions, message: string, onEnter: (session: PlaySession) => Promise<void>, lastMatchId?: string): () => void {
  let busy = false;
  let profile: PlayerProfile | null = null;
  let settingsPanel: SettingsPanel | undefined;
  const name = el('input', { id: 'name', maxLength: NAME_MAX_CHARS, placeholder: 'Your name', autocomplete: 'off' });
  name.value = rememberedName();
  // Once the player has been at the name field, the profile's name (which arrives later) must not
  // be written into it: caught between clearing the field and typing, it would prefix what they
  // type ("PlayerAlpha").
  let nameTouched = false;
  const touchName = () => { nameTouched = true; };
  name.addEventListener('focus', touchName);
  name.addEventListener('input', touchName);
  // Room for the dashes and spaces a person may type into a long private code.
  const code = el('input', { id: 'code', maxLength: PRIVATE_ROOM_CODE_CHARS + 4, placeholder: 'CODE', autocomplete: 'off' });
  const error = el('div', { className: 'error', id: 'lobby-error' }, message);
  const list = el('ul', { id: 'rooms' });
  const quick = el('button', { className: 'primary', id: 'quick-play' }, 'Quick play');
  const create = el('button', { id: 'create-private' }, 'Create private room');
  const battle = el('button', { id: 'quick-battle' }, 'Battle (200)');
  const ball = el('button', { id: 'quick-ball' }, 'Ball (2v2)');
  const join = el('button', { id: 'join-code' }, 'Join');
  const watchCode = el('button', { id: 'watch-code', className: 'watch' }, 'Watch');
  const openSettings = el('button', { id: 'open-settings', type: 'button' }, 'Settings');

  const buttons = [quick, create, join, battle, ball, watchCode];
  const act = async (enter: (playerName: string) => Promise<PlaySession>) => {
    if (busy) return;
    const playerName = name.value.trim();
    if (!playerName) {
      error.textContent = 'Choose a name first.';
      name.focus();
      return;
    }
    rememberName(playerName);
    busy = true;
    for (const b of buttons) b.disabled = true;
    error.textContent = '';
    try {
      // The profile owns its name: a new one is saved before the join.
      if (profile !== null && profile.name !== playerName && actions.profile) profile = await actions.profile(playerName).catch(() => profile);
      await onEnter(await enter(playerName));
    } catch (err) {
      error.textContent = (err as Error).message;
      for (const b of buttons) b.disabled = false;
      busy = false;
    }
  };

  quick.addEventListener('click', () => act((n) => actions.quickPlay(n)));
  create.addEventListener('click', () => act((n) => actions.createPrivate(n)));
  const battleAction = actions.battle?.bind(actions);
  if (battleAction) battle.addEventListener('click', () => act(battleAction));
  else battle.hidden = true;
  const ballAction = actions.ball?.bind(actions);
  if (ballAction) ball.addEventListener('click', () => act(ballAction));
  else ball.hidden = true;
  const joinTyped = () => act((n) => actions.joinByCode(code.value, n));
  join.addEventListener('click', joinTyped);
  watchCode.addEventListener('click', () => act((n) => actions.spectate(code.value, n)));
  code.addEventListener('keydown', (e) => { if (e.key === 'Enter') joinTyped(); });
  name.addEventListener('keydown', (e) => { if (e.key === 'Enter') act((n) => actions.quickPlay(n)); });

  const renderRooms = (rooms: RoomListing[]) => {
    list.replaceChildren();
    if (rooms.length === 0) {
      list.appendChild(el('li', { className: 'empty' }, 'No public rooms yet: quick play opens one.'));
      return;
    }
    for (const room of rooms) {
      const button = el('button', { disabled: room.clients >= room.maxClients }, 'Join');
      button.addEventListener('click', () => act((n) => actions.joinByCode(room.code, n)));
      const watch = el('button', { className: 'watch', disabled: (room.spectators ?? 0) >= (room.maxSpectators ?? 0) }, 'Watch');
      watch.addEventListener('click', () => act((n) => actions.spectate(room.code, n)));
      const kind = room.kind === 'battle' ? ' battle' : '';
      list.appendChild(el('li', {}, el('span', {}, `${room.code}  ${room.clients}/${room.maxClients}${kind}`), el('span', { className: 'actions' }, watch, button)));
    }
  };
  const refresh = () => {
    actions.listRooms().then(renderRooms, () => list.replaceChildren(el('li', { className: 'empty' }, 'Room list unavailable.')));
  };
  refresh();
  const refreshTimer = setInterval(refresh, LIST_REFRESH_MS);

  const profileLine = el('p', { className: 'profile-line', id: 'profile-line' });
  const results = el('div', { id: 'profile-panels' });
  const root = el('div', { className: 'lobby' },
    el('h1', {}, 'ARENA'),
    el('p', { className: 'sub' }, 'Top-down shooter. Last one standing is just the next target.'),
    profileLine,
    el('label', { htmlFor: 'name' }, 'Name'), name,
    el('div', { className: 'row' }, quick, create),
    el('div', { className: 'row' }, battle, ball, openSettings),
    el('label', { htmlFor: 'code' }, 'Join a room by code'),
    el('div', { className: 'row' }, code, join, watchCode),
    error,
    el('label', {}, 'Public rooms'), list,
    el('div', { className: 'help' }, 'Move: WASD or arrows. Aim: mouse. Fire: click or space. Chat: Enter. Net graph: N. Mute: M. Leave: Esc (keys can be changed in Settings). ' +
      'Touch: drag on the left half to move, touch the right half to aim and fire. Watching: click follows the next player, WASD roams. ' +
      'Ball: move the same way, Space (or a touch on the right half) kicks; score in the other team\'s goal.'),
    results,
  );
  actions.profile?.().then((p) => {
    profile = p;
    if (p === null || !root.isConnected) return;
    root.dataset.profileId = p.id;
    profileLine.textContent = `${p.name} · ${ratingsText(p)}${p.banned ? ' · banned' : ''}`;
    if (!name.value && !nameTouched) name.value = p.name;
    results.replaceChildren(...(lastMatchId ? [resultsPanel(lastMatchId, p.id)] : []), historyPanel(p.id), leaderboardPanel(p.id));
  }, () => undefined);
  const overlay = document.getElementById('overlay')!;
  openSettings.addEventListener('click', () => {
    if (settingsPanel !== undefined) return;
    root.hidden = true;
    settingsPanel = openSettingsPanel(overlay, settings, () => {
      settingsPanel = undefined;
      root.hidden = false;
    });
  });
  overlay.appendChild(root);
  return () => {
    settingsPanel?.close();
    clearInterval(refreshTimer);
    root.remove();
  };
}
