import { CHAT_HISTORY_LINES } from '../../shared/limits.ts';
import type { ServerMessages } from '../../shared/messages.ts';

type ChatLine = ServerMessages['chat'];

/** The room's recent chat, sent to each player who joins (already cleaned and validated). */
export class ChatLog {
  private readonly lines: ChatLine[] = [];

  constructor(private readonly maxLines = CHAT_HISTORY_LINES) {}

  add(line: ChatLine): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
  }

  recent(): ChatLine[] {
    return [...this.lines];
  }
}
