import { randomInt } from 'node:crypto';
import { matchMaker } from '@colyseus/core';
import { ROOM_CODE_ALPHABET, ROOM_CODE_CHARS } from '../../shared/constants.ts';

function randomCode(): string {
  let code = '';
  for (let i = 0; i < ROOM_CODE_CHARS; i++) code += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return code;
}

/**
 * A short code people can read out and type, used as the room id so `joinById(code)` finds the
 * room through any matchmaker (also across processes). 31^5 codes; a clash is retried.
 */
export async function allocateRoomCode(maxAttempts = 8): Promise<string> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const code = randomCode();
    const taken = await matchMaker.findRoomsByIds([code]);
    if (!taken.has(code)) return code;
  }
  throw new Error('could not allocate a free room code');
}
