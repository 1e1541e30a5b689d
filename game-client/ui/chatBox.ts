import { el } from './dom.ts';

export interface ChatLine {
  name: string;
  text: string;
}

/** Chat lines shown at most, the newest. */
const CHAT_LINES = 6;
/** How long a chat line stays on screen. */
const CHAT_TTL_MS = 12_000;

/** The chat lines a room sent, kept while they are fresh enough to show. */
export class ChatLog {
  private lines: Array<{ line: ChatLine; atMs: number }> = [];

  push(line: ChatLine, nowMs: number): void {
    this.lines.push({ line, atMs: nowMs });
  }

  /** The newest lines younger than their time on screen, oldest first. */
  shown(nowMs: number): ChatLine[] {
    this.lines = this.lines.filter((c) => nowMs - c.atMs < CHAT_TTL_MS).slice(-CHAT_LINES);
    return this.lines.map((c) => c.line);
  }
}

export interface ChatBoxOptions {
  /** A chat line to send (already trimmed, not empty). */
  onSend(text: string): void;
  /** The field closed (sent, cancelled with Escape, or closed by the scene). */
  onClosed(): void;
  maxChars: number;
}

/**
 * A HUD's chat box: the room's recent lines and, while open, the field to type one. A name and a
 * line go in as text nodes, never as markup; keys typed in the field stay out of the game's
 * controls. Every game scene's HUD has one (ui/hud.ts, scenes/ball/ballHud.ts).
 */
export class ChatBox {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private shownKey = '';

  constructor(private readonly opts: ChatBoxOptions) {
    this.list = el('ol', { className: 'hud-lines' });
    this.input = el('input', { className: 'hud-chat-input', maxLength: opts.maxChars, placeholder: 'Say something', autocomplete: 'off', enterKeyHint: 'send' });
    this.form = el('form', { className: 'hud-chat-form' }, this.input, el('button', { type: 'submit', className: 'hud-button' }, 'Send'));
    this.form.hidden = true;
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (text) opts.onSend(text);
      this.close();
    });
    this.input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') this.close();
    });
    this.root = el('div', { className: 'hud-box hud-chat' }, this.list, this.form);
  }

  get isOpen(): boolean {
    return !this.form.hidden;
  }

  open(): void {
    if (this.isOpen) return;
    this.form.hidden = false;
    this.input.value = '';
    this.input.focus();
  }

  close(): void {
    if (!this.isOpen) return;
    this.form.hidden = true;
    this.input.blur();
    this.opts.onClosed();
  }

  setLines(lines: readonly ChatLine[]): void {
    const key = lines.map((l) => `${l.name}\u0000${l.text}`).join('\u0001');
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.list.replaceChildren(...lines.map((l) => el('li', {}, el('span', { className: 'who' }, `${l.name}: `), l.text)));
  }
}
