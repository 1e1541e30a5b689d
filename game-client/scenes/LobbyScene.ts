import Phaser from 'phaser';
import { NAME_MAX_CHARS, ROOM_CODE_CHARS } from '../../shared/constants.ts';
import type { RoomListing } from '../../shared/messages.ts';
import type { Lobby } from '../net/lobby.ts';
import type { GameSession } from '../net/spectator.ts';
import { el } from '../ui/dom.ts';

const NAME_KEY = 'arena.name';
const LIST_REFRESH_MS = 2000;

export interface LobbyData {
  /** Shown under the form, e.g. why the last room ended. */
  message?: string;
}

/**
 * Name, quick play, private rooms and the public room list. The form is plain DOM over the
 * canvas (text fields belong to the browser); every string from the server goes in as text.
 */
export class LobbyScene extends Phaser.Scene {
  private root: HTMLElement | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private busy = false;

  /** `battle`: the same guest's lobby for the large-room mode (quick play into a `battle` room). */
  constructor(private readonly lobby: Lobby, private readonly battle?: Lobby) {
    super('lobby');
  }

  create(data: LobbyData): void {
    this.drawBackdrop();
    this.root = this.buildForm(data.message ?? '');
    document.getElementById('overlay')!.appendChild(this.root);
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.teardown());
  }

  private drawBackdrop(): void {
    const g = this.add.graphics();
    g.lineStyle(1, 0x1f2630, 1);
    for (let x = 0; x <= this.scale.width; x += 50) g.lineBetween(x, 0, x, this.scale.height);
    for (let y = 0; y <= this.scale.height; y += 50) g.lineBetween(0, y, this.scale.width, y);
  }

  private buildForm(message: string): HTMLElement {
    const name = el('input', { id: 'name', maxLength: NAME_MAX_CHARS, placeholder: 'Your name', autocomplete: 'off' });
    name.value = localStorage.getItem(NAME_KEY) ?? '';
    const code = el('input', { id: 'code', maxLength: ROOM_CODE_CHARS, placeholder: 'CODE', autocomplete: 'off' });
    const error = el('div', { className: 'error', id: 'lobby-error' }, message);
    const list = el('ul', { id: 'rooms' });
    const quick = el('button', { className: 'primary', id: 'quick-play' }, 'Quick play');
    const create = el('button', { id: 'create-private' }, 'Create private room');
    const battle = el('button', { id: 'quick-battle' }, 'Battle (200)');
    const join = el('button', { id: 'join-code' }, 'Join');
    const watchCode = el('button', { id: 'watch-code', className: 'watch' }, 'Watch');

    const buttons = [quick, create, join, battle, watchCode];
    const act = async (enter: (playerName: string) => Promise<GameSession>) => {
      if (this.busy) return;
      const playerName = name.value.trim();
      if (!playerName) {
        error.textContent = 'Choose a name first.';
        name.focus();
        return;
      }
      localStorage.setItem(NAME_KEY, playerName);
      this.busy = true;
      for (const b of buttons) b.disabled = true;
      error.textContent = '';
      try {
        const session = await enter(playerName);
        this.scene.start('arena', { session });
      } catch (err) {
        error.textContent = (err as Error).message;
        for (const b of buttons) b.disabled = false;
        this.busy = false;
      }
    };

    quick.addEventListener('click', () => act((n) => this.lobby.quickPlay(n)));
    create.addEventListener('click', () => act((n) => this.lobby.createPrivate(n)));
    const battleLobby = this.battle;
    if (battleLobby) battle.addEventListener('click', () => act((n) => battleLobby.quickPlay(n)));
    else battle.hidden = true;
    const joinTyped = () => act((n) => this.lobby.joinByCode(code.value, n));
    join.addEventListener('click', joinTyped);
    watchCode.addEventListener('click', () => act((n) => this.lobby.spectate(code.value, n)));
    code.addEventListener('keydown', (e) => { if (e.key === 'Enter') joinTyped(); });
    name.addEventListener('keydown', (e) => { if (e.key === 'Enter') act((n) => this.lobby.quickPlay(n)); });

    const renderRooms = (rooms: RoomListing[]) => {
      list.replaceChildren();
      if (rooms.length === 0) {
        list.appendChild(el('li', { className: 'empty' }, 'No public rooms yet: quick play opens one.'));
        return;
      }
      for (const room of rooms) {
        const button = el('button', { disabled: room.clients >= room.maxClients }, 'Join');
        button.addEventListener('click', () => act((n) => this.lobby.joinByCode(room.code, n)));
        const watch = el('button', { className: 'watch', disabled: (room.spectators ?? 0) >= (room.maxSpectators ?? 0) }, 'Watch');
        watch.addEventListener('click', () => act((n) => this.lobby.spectate(room.code, n)));
        const kind = room.kind === 'battle' ? ' battle' : '';
        list.appendChild(el('li', {}, el('span', {}, `${room.code}  ${room.clients}/${room.maxClients}${kind}`), el('span', { className: 'actions' }, watch, button)));
      }
    };
    const refresh = () => {
      this.lobby.listRooms().then(renderRooms, () => list.replaceChildren(el('li', { className: 'empty' }, 'Room list unavailable.')));
    };
    refresh();
    this.refreshTimer = setInterval(refresh, LIST_REFRESH_MS);

    return el('div', { className: 'lobby' },
      el('h1', {}, 'ARENA'),
      el('p', { className: 'sub' }, 'Top-down shooter. Last one standing is just the next target.'),
      el('label', { htmlFor: 'name' }, 'Name'), name,
      el('div', { className: 'row' }, quick, create),
      el('div', { className: 'row' }, battle),
      el('label', { htmlFor: 'code' }, 'Join a room by code'),
      el('div', { className: 'row' }, code, join, watchCode),
      error,
      el('label', {}, 'Public rooms'), list,
      el('div', { className: 'help' }, 'Move: WASD or arrows. Aim: mouse. Fire: click or space. Chat: Enter. Net graph: N. Leave: Esc. Watching: click follows the next player, WASD roams.'),
    );
  }

  private teardown(): void {
    clearInterval(this.refreshTimer);
    this.root?.remove();
    this.root = undefined;
    this.busy = false;
  }
}
