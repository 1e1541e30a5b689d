import { el } from '../../ui/dom.ts';
import { TEAMS } from './teams.ts';

/** Height of the top bar (status, score, buttons), CSS px: the pitch is laid out below it. */
export const BALL_TOP_BAR_PX = 36;
/** Height of the notice line under it (goal, countdown, winner), CSS px: never over the pitch. */
export const BALL_NOTICE_PX = 30;

/**
 * The ball match's HUD as HTML over the canvas (sharp at any density, strings from the server as
 * text only): a top bar with the room's status, the score in the teams' colours and the mute and
 * leave buttons, and a notice line under it. Both sit above the pitch, never on it.
 */
export class BallHud {
  readonly root: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scores: [HTMLElement, HTMLElement];
  private readonly notice: HTMLElement;
  private readonly mute: HTMLButtonElement;
  private readonly shown = new Map<HTMLElement, string>();

  constructor(parent: HTMLElement, on: { mute(): void; leave(): void }) {
    this.status = el('span', { className: 'hud-status' });
    this.scores = [el('b', { className: 'ball-goals' }, '0'), el('b', { className: 'ball-goals' }, '0')];
    const side = (i: 0 | 1) => {
      const name = el('span', { className: 'ball-team' }, TEAMS[i].name);
      name.style.color = TEAMS[i].css;
      return name;
    };
    const score = el('span', { className: 'ball-score', id: 'ball-score' }, side(0), ' ', this.scores[0], ' – ', this.scores[1], ' ', side(1));
    const button = (glyph: string, label: string, className: string, act: () => void) => {
      const b = el('button', { type: 'button', className: `hud-button ${className}`, title: label, ariaLabel: label, tabIndex: -1 }, glyph);
      // Keep the keyboard on the game: a focused button would also "click" on Space (the kick).
      b.addEventListener('pointerdown', (e) => e.preventDefault());
      b.addEventListener('click', act);
      return b;
    };
    this.mute = button('♪', 'Sound on / off', 'hud-mute', on.mute);
    const top = el('div', { className: 'hud-top ball-top' }, this.status, score, el('span', { className: 'hud-buttons' }, this.mute, button('✕', 'Leave the match', 'hud-leave', on.leave)));
    top.style.height = `${BALL_TOP_BAR_PX}px`;
    this.notice = el('div', { className: 'hud-notice ball-notice', id: 'ball-notice' });
    this.notice.style.top = `${BALL_TOP_BAR_PX}px`;
    this.notice.style.height = `${BALL_NOTICE_PX}px`;
    this.notice.style.lineHeight = `${BALL_NOTICE_PX}px`;
    this.root = el('div', { className: 'hud ball-hud', id: 'ball-hud' }, top, this.notice);
    parent.appendChild(this.root);
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

  setMuted(muted: boolean): void {
    this.mute.classList.toggle('off', muted);
    this.mute.setAttribute('aria-pressed', String(muted));
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
