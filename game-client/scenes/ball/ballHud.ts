import { ChatBox, type ChatBoxOptions, type ChatLine } from '../../ui/chatBox.ts';
import { el } from '../../ui/dom.ts';
import { hudButtons, showMuted, type HudCommand } from '../../ui/hud.ts';
import { TEAMS } from './teams.ts';

/** Height of the top bar (status, score, buttons), CSS px: the pitch is laid out below it. */
export const BALL_TOP_BAR_PX = 36;
/** Height of the notice line under it (goal, countdown, winner), CSS px: never over the pitch. */
export const BALL_NOTICE_PX = 30;

/**
 * The ball match's HUD as HTML over the canvas (sharp at any density, strings from the server as
 * text only): a top bar with the room's status, the score in the teams' colours and the arena's
 * buttons (chat, mute, settings, leave), and a notice line under it. Both sit above the pitch,
 * never on it. The chat box shows in the pitch's bottom-left corner only while it has fresh lines
 * or is open: a line is read in passing, and the whole pitch stays in view the rest of the time.
 * The net graph (N, or the settings) sits in the opposite corner while it is on.
 */
export class BallHud {
  readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scores: [HTMLElement, HTMLElement];
  private readonly notice: HTMLElement;
  private readonly mute: HTMLButtonElement;
  private readonly chat: ChatBox;
  /** The net graph's box (ui/netGraphPanel.ts draws into it); hidden while the graph is off. */
  readonly netGraphBox: HTMLElement;
  private readonly netGraph: HTMLElement;
  private readonly shown = new Map<HTMLElement, string>();

  constructor(parent: HTMLElement, on: { command(command: HudCommand): void; chat: ChatBoxOptions }) {
    this.status = el('span', { className: 'hud-status' });
    this.scores = [el('b', { className: 'ball-goals' }, '0'), el('b', { className: 'ball-goals' }, '0')];
    const side = (i: 0 | 1) => {
      const name = el('span', { className: 'ball-team' }, TEAMS[i].name);
      name.style.color = TEAMS[i].css;
      return name;
    };
    const score = el('span', { className: 'ball-score', id: 'ball-score' }, side(0), ' ', this.scores[0], ' – ', this.scores[1], ' ', side(1));
    const buttons = hudButtons(on.command);
    this.mute = buttons.mute;
    const top = el('div', { className: 'hud-top ball-top' }, this.status, score, el('span', { className: 'hud-buttons' }, ...buttons.all));
    top.style.height = `${BALL_TOP_BAR_PX}px`;
    this.notice = el('div', { className: 'hud-notice ball-notice', id: 'ball-notice' });
    this.notice.style.top = `${BALL_TOP_BAR_PX}px`;
    this.notice.style.height = `${BALL_NOTICE_PX}px`;
    this.notice.style.lineHeight = `${BALL_NOTICE_PX}px`;
    this.chat = new ChatBox(on.chat);
    this.chat.root.classList.add('ball-chat');
    this.chat.root.hidden = true;
    this.netGraphBox = el('div', { className: 'hud-netgraph-body' });
    this.netGraph = el('div', { className: 'hud-box hud-netgraph ball-netgraph', id: 'ball-netgraph' }, this.netGraphBox);
    this.netGraph.hidden = true;
    this.root = el('div', { className: 'hud ball-hud', id: 'ball-hud' }, top, this.notice, this.chat.root, this.netGraph);
    parent.appendChild(this.root);
  }

  get chatOpen(): boolean {
    return this.chat.isOpen;
  }

  /** The room's fresh chat lines; the box hides when it has none and is closed. */
  setChat(lines: readonly ChatLine[]): void {
    this.chat.setLines(lines);
    this.chat.root.hidden = lines.length === 0 && !this.chat.isOpen;
  }

  openChat(): void {
    this.chat.root.hidden = false;
    this.chat.open();
  }

  closeChat(): void {
    this.chat.close();
  }

  setStatus(text: string): void {
    this.setText(this.status, text);
  }

  setScore(left: number, right: number): void {
    this.setText(this.scores[0], String(left));
    this.setText(this.scores[1], String(right));
  }

  setNotice(text: string): void {
    this.setText(this.notice, text);
  }

  showNetGraph(visible: boolean): void {
    if (this.netGraph.hidden === visible) this.netGraph.hidden = !visible;
  }

  setMuted(muted: boolean): void {
    showMuted(this.mute, muted);
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
