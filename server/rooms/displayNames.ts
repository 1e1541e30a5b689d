import unhomoglyph from 'unhomoglyph';

/**
 * What a name looks like: names with the same skeleton look alike on a scoreboard. Unicode's
 * confusables mapping (UTS #39, through `unhomoglyph`: Cyrillic "о" and digit "0" become "O",
 * "rn" stays apart from "m" only as far as the table says) over the decomposed name, case folded.
 */
export function nameSkeleton(name: string): string {
  return unhomoglyph(name.normalize('NFD')).normalize('NFD').toLowerCase();
}

/**
 * The names everyone in one room is shown by (players and spectators, who chat too), each looking
 * different from every other. A name that duplicates or mimics one already in the room (same
 * skeleton) gets a number, `bob (2)`, so the scoreboard, the kill feed and chat tell the two
 * apart; the first one keeps its name. Names are chosen by the server from the name the client
 * asked for, never sent by the client as-is.
 */
export class DisplayNames {
  private readonly skeletonBySession = new Map<string, string>();
  private readonly shownBySession = new Map<string, string>();

  /** The name `sessionId` is shown by, given the (already cleaned) name it asked for. */
  claim(sessionId: string, wanted: string): string {
    this.release(sessionId);
    const taken = new Set(this.skeletonBySession.values());
    let shown = wanted;
    // At most one number per player already here is taken, so this ends by size + 2.
    for (let n = 2; taken.has(nameSkeleton(shown)) && n <= this.skeletonBySession.size + 2; n++) shown = `${wanted} (${n})`;
    this.skeletonBySession.set(sessionId, nameSkeleton(shown));
    this.shownBySession.set(sessionId, shown);
    return shown;
  }

  /** The name `sessionId` claimed, while it is in the room. */
  nameOf(sessionId: string): string | undefined {
    return this.shownBySession.get(sessionId);
  }

  release(sessionId: string): void {
    this.skeletonBySession.delete(sessionId);
    this.shownBySession.delete(sessionId);
  }
}
