import type { BrowserContext, Page } from 'playwright-core';

/** What the page did with WebAudio, as recorded by `spyOnAudio`. */
export interface AudioLog {
  /** AudioContexts constructed, and whether the page had seen a user gesture by then. */
  contexts: Array<{ afterGesture: boolean }>;
  /** Sources started (oscillators, buffers), in order. */
  started: number;
  /** Every stereo panner's pan value when the first source after its creation started. */
  pans: number[];
}

/**
 * Record every AudioContext a page constructs (and whether a user gesture came first), every
 * source it starts and the pan of its stereo panners: the audio graph, spied on from inside the
 * page before any of its scripts run. Nothing is replaced: the real WebAudio runs underneath.
 */
export async function spyOnAudio(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const log = { contexts: [] as Array<{ afterGesture: boolean }>, started: 0, pans: [] as number[] };
    (window as unknown as { __audioLog: typeof log }).__audioLog = log;
    let gestured = false;
    for (const type of ['pointerdown', 'keydown', 'touchend']) window.addEventListener(type, (e) => { if (e.isTrusted) gestured = true; }, { capture: true });
    const Real = window.AudioContext;
    const pending: StereoPannerNode[] = [];
    window.AudioContext = class extends Real {
      constructor(options?: AudioContextOptions) {
        super(options);
        log.contexts.push({ afterGesture: gestured });
      }
      override createStereoPanner(): StereoPannerNode {
        const node = super.createStereoPanner();
        pending.push(node);
        return node;
      }
    };
    const start = AudioScheduledSourceNode.prototype.start;
    AudioScheduledSourceNode.prototype.start = function (this: AudioScheduledSourceNode, ...args: [number?]) {
      log.started++;
      for (const p of pending.splice(0)) log.pans.push(p.pan.value);
      return start.apply(this, args);
    };
  });
}

export function audioLog(page: Page): Promise<AudioLog> {
  return page.evaluate(() => (window as unknown as { __audioLog: AudioLog }).__audioLog);
}
