import type { ScoreLine } from '../net/renderModel.ts';
import { ChatBox, type ChatLine } from './chatBox.ts';
import { el } from './dom.ts';
import type { BoxName, HudLayout, Rect } from './hudLayout.ts';

/** What the top bar's buttons ask for. */
export type HudCommand = 'chat' | 'mute' | 'settings' | 'leave';

export interface HudOptions {
  onCommand(command: HudCommand): void;
  /** A chat line to send (already trimmed, not empty). */
  onChat(text: string): void;
  /** The chat box closed (sent, cancelled or blurred). */
  onChatClosed(): void;
  chatMaxChars: number;
}

const BUTTONS: Array<[HudCommand, string, string]> = [
  ['chat', '✉', 'Chat'],
  ['mute', '♪', 'Sound on / off'],
  ['settings', '⚙', 'Settings'],
  ['leave', '✕', 'Leave the room'],
];

/** The top bar's buttons (chat, mute, settings, leave), in that order, for every game scene's HUD. */
export function hudButtons(onCommand: (command: HudCommand) => void): { all: HTMLButtonElement[]; mute: HTMLButtonElement } {
  const all = BUTTONS.map(([command, glyph, label]) => {
    const b = el('button', { type: 'button', className: `hud-button hud-${command}`, title: label, ariaLabel: label, tabIndex: -1 }, glyph);
    // Keep the keyboard on the game: a focused button would also "click" on Space or Enter.
    b.addEventListener('pointerdown', (e) => e.preventDefault());
    b.addEventListener('click', () => onCommand(command));
    return b;
  });
  return { all, mute: all[1]! };
}

/** Show a mute button as on or off. */
export function showMuted(button: HTMLButtonElement, muted: boolean): void {
  button.classList.toggle('off', muted);
  button.setAttribute('aria-pressed', String(muted));
}

/**
 * The in-game HUD as HTML over the canvas: sharp at any screen density, laid out by
 * `layoutHud` so nothing sits on the arena or on another box. Every string from the server
 * (names, chat) goes in as a text node, never as markup. Only the buttons and the chat field
 * take pointer input; touches everywhere else reach the game's touch controls.
 */
export class Hud {
  readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly boxes: Record<BoxName, HTMLElement>;
  private readonly scoreBody: HTMLTableSectionElement;
  private readonly feedList: HTMLElement;
  private readonly chat: ChatBox;
  private readonly muteButton: HTMLButtonElement;
  private readonly shown = new Map<HTMLElement, string>();
  readonly minimapCanvas: HTMLCanvasElement;
  readonly netGraphBox: HTMLElement;

  constructor(parent: HTMLElement, opts: HudOptions) {
    this.status = el('span', { className: 'hud-status' });
    const buttons = hudButtons(opts.onCommand);
    this.muteButton = buttons.mute;
    this.notice = el('div', { className: 'hud-notice' });
    this.notice.dataset.hud = 'notice';
    const top = el('div', { className: 'hud-top' }, this.status, el('span', { className: 'hud-buttons' }, ...buttons.all));
    top.dataset.hud = 'topBar';

    this.scoreBody = el('tbody');
    const head = el('thead', {}, el('tr', {}, el('th', { className: 'mark' }), el('th', { className: 'name' }, 'Name'), el('th', { className: 'num' }, 'K'), el('th', { className: 'num' }, 'D')));
    this.feedList = el('ol', { className: 'hud-lines' });
    this.chat = new ChatBox({ onSend: opts.onChat, onClosed: opts.onChatClosed, maxChars: opts.chatMaxChars });
    this.minimapCanvas = el('canvas', { className: 'hud-minimap-canvas' });
    this.netGraphBox = el('div', { className: 'hud-netgraph-body' });
    this.boxes = {
      scores: el('div', { className: 'hud-box hud-scores' }, el('table', {}, head, this.scoreBody)),
      feed: el('div', { className: 'hud-box hud-feed' }, this.feedList),
      chat: this.chat.root,
      minimap: el('div', { className: 'hud-box hud-minimap' }, this.minimapCanvas),
      netGraph: el('div', { className: 'hud-box hud-netgraph' }, this.netGraphBox),
    };
    for (const [name, box] of Object.entries(this.boxes)) box.dataset.hud = name;
    this.root = el('div', { className: 'hud', id: 'hud' }, top, this.notice, ...Object.values(this.boxes));
    parent.appendChild(this.root);
  }

  get chatOpen(): boolean {
    return this.chat.isOpen;
  }

  /** Place everything where the layout says; boxes it left out are hidden. */
  layout(l: HudLayout): void {
    this.root.style.setProperty('--hud-font', `${l.fontPx}px`);
    this.root.style.setProperty('--hud-line', `${l.linePx}px`);
    place(this.root.querySelector('.hud-top') as HTMLElement, l.topBar);
    place(this.notice, l.notice);
    for (const [name, box] of Object.entries(this.boxes) as Array<[BoxName, HTMLElement]>) {
      const r = l.boxes[name];
      box.hidden = r === undefined;
      if (r !== undefined) place(box, r);
    }
  }

  setStatus(text: string): void {
    this.setText(this.status, text);
  }

  setNotice(text: string): void {
    this.setText(this.notice, text);
  }

  setMuted(muted: boolean): void {
    showMuted(this.muteButton, muted);
  }

  /** Best first; `own` is shown even below the rows that fit. */
  setScores(ranked: readonly ScoreLine[], rows: number): void {
    const shown = ranked.slice(0, Math.max(1, rows));
    const own = ranked.findIndex((l) => l.isSelf);
    if (own >= shown.length) shown[shown.length - 1] = ranked[own]!;
    const key = shown.map((s) => `${s.id}\u0000${s.name}\u0000${s.kills}\u0000${s.deaths}\u0000${s.isSelf}`).join('\u0001');
    if (this.shown.get(this.scoreBody) === key) return;
    this.shown.set(this.scoreBody, key);
    this.scoreBody.replaceChildren(...shown.map((s) => {
      const row = el('tr', { className: s.isSelf ? 'self' : '' }, el('td', { className: 'mark' }, s.isSelf ? '▶' : ''), el('td', { className: 'name' }, s.name),
        el('td', { className: 'num' }, String(s.kills)), el('td', { className: 'num' }, String(s.deaths)));
      return row;
    }));
  }

  setFeed(lines: readonly string[]): void {
    const key = lines.join('\u0001');
    if (this.shown.get(this.feedList) === key) return;
    this.shown.set(this.feedList, key);
    this.feedList.replaceChildren(...lines.map((text) => el('li', {}, text)));
  }

  setChat(lines: readonly ChatLine[]): void {
    this.chat.setLines(lines);
  }

  openChat(): void {
    this.chat.open();
  }

  closeChat(): void {
    this.chat.close();
  }

  /** Screen rectangles of the HUD's visible parts (CSS px), by name. */
  rects(): Record<string, Rect> {
    const out: Record<string, Rect> = {};
    for (const node of this.root.querySelectorAll<HTMLElement>('[data-hud]')) {
      if (node.hidden) continue;
      const r = node.getBoundingClientRect();
      out[node.dataset.hud!] = { x: r.x, y: r.y, w: r.width, h: r.height };
    }
    return out;
  }

  destroy(): void {
    this.root.remove();
  }

  private setText(node: HTMLElement, text: string): void {
    if (this.shown.get(node) === text) return;
    this.shown.set(node, text);
    node.textContent = text;
  }
}

function place(node: HTMLElement, r: Rect): void {
  node.style.left = `${r.x}px`;
  node.style.top = `${r.y}px`;
  node.style.width = `${r.w}px`;
  node.style.height = `${r.h}px`;
}
