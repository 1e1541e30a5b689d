import type { Client } from '@colyseus/core';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { clientMessageSchemas, type ServerMessages } from '../../shared/messages.ts';
import { CHAT_LIMIT } from '../security/limits.ts';
import { recordRejection } from '../security/rejections.ts';
import { TokenBucket } from '../security/tokenBucket.ts';
import { ChatLog } from './chatLog.ts';
import type { DisplayNames } from './displayNames.ts';
import type { ViolationTracker } from './violations.ts';

/** What the chat needs of its room. */
interface ChatRoom {
  readonly roomId: string;
  broadcast(type: 'chat', message: ServerMessages['chat']): void;
}

/**
 * A room's chat, the same in every game: a `chat` message is checked (an invalid one is a
 * violation), rate-limited per seat (an abusive rate closes the connection), signed with the
 * sender's name in the room (spectators have no body, but they have a name), sent to everyone,
 * and kept in the recent history each arrival receives.
 */
export class RoomChat {
  private readonly history = new ChatLog();
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly room: ChatRoom, private readonly names: DisplayNames, private readonly violations: ViolationTracker) {}

  /** The `chat` message handler. */
  receive(client: Client, raw: unknown): void {
    const parsed = clientMessageSchemas.chat.safeParse(raw);
    if (!parsed.success) return this.violations.record(client, 'invalid_message', `chat: ${parsed.error.issues[0]?.message}`);
    if (!this.allow(client)) return;
    const line: ServerMessages['chat'] = { fromId: client.sessionId, name: this.names.nameOf(client.sessionId) ?? '?', text: parsed.data.text };
    this.history.add(line);
    this.room.broadcast('chat', line);
  }

  /** A seat was taken: the recent lines, oldest first. */
  welcome(client: Client): void {
    const lines = this.history.recent();
    if (lines.length > 0) client.send('chatHistory', { lines } satisfies ServerMessages['chatHistory']);
  }

  /** A seat was given up. */
  forget(sessionId: string): void {
    this.buckets.delete(sessionId);
  }

  /** Valid lines only are counted against the rate (invalid ones are strikes already). */
  private allow(client: Client): boolean {
    const now = performance.now();
    let bucket = this.buckets.get(client.sessionId);
    if (bucket === undefined) {
      bucket = new TokenBucket(CHAT_LIMIT, now);
      this.buckets.set(client.sessionId, bucket);
    }
    const verdict = bucket.take(now);
    if (verdict === 'ok') return true;
    recordRejection('message', 'chat_rate', { roomId: this.room.roomId, sessionId: client.sessionId });
    if (verdict === 'abusive') client.leave(CLOSE_CODES.RATE_LIMITED, 'chat rate limit');
    return false;
  }
}
