/** A room code as a person typed it: case, spaces and dashes do not matter. */
export function normalizeRoomCode(typed: string): string {
  return typed.replace(/[\s-]+/g, '').toUpperCase();
}
