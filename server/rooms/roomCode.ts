import { randomInt } from 'node:crypto';
import { matchMaker } from '@colyseus/core';
import { PRIVATE_ROOM_CODE_CHARS, PUBLIC_ROOM_CODE_CHARS, ROOM_CODE_ALPHABET } from '../../shared/limits.ts';

function randomCode(chars: number): string {
  let code = '';
  for (let i = 0; i < chars; i++) code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}

/**
 * A code people can read out and type, used as the room id so `joinById(code)` finds the room
 * through any matchmaker (also across processes); a clash is retried. Public rooms get 5
 * characters (31^5: the list shows them anyway); a private room's code is its only key, so it
 * gets 10 (31^10, sized against the guessing budget: SECURITY.md, "Guessing secrets").
 */
export async function allocateRoomCode(isPrivate: boolean, maxAttempts = 8): Promise<string> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const code = randomCode(isPrivate ? PRIVATE_ROOM_CODE_CHARS : PUBLIC_ROOM_CODE_CHARS);
    const taken = await matchMaker.findRoomsByIds([code]);
    if (!taken.has(code)) return code;
  }
  throw new Error('could not allocate a free room code');
}
