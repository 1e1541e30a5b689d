import type { Settings, SettingsStore } from '../settings/settings.ts';
import { makeNoise, playVoice, type SoundName } from './voices.ts';

/** Distance at which a sound is at half its loudness (world px). */
export const SOUND_HALF_DISTANCE_PX = 700;
/** Quieter than this (after distance): not played at all. */
const INAUDIBLE_GAIN = 0.03;
/** Sounds left of or right of the listener by this much are fully in one ear (world px). */
const FULL_PAN_PX = 800;

export interface SoundAt {
  x: number;
  y: number;
}

/** Stereo position (-1 left … 1 right) and gain (0–1) of a sound at `at` for a listener at `ear`. */
export function placeSound(at: SoundAt | undefined, ear: SoundAt | undefined): { pan: number; gain: number } {
  if (at === undefined || ear === undefined) return { pan: 0, gain: 1 };
  const dx = at.x - ear.x;
  const dy = at.y - ear.y;
  const d = Math.hypot(dx, dy);
  const r = d / SOUND_HALF_DISTANCE_PX;
  return { pan: Math.max(-1, Math.min(1, dx / FULL_PAN_PX)), gain: 1 / (1 + r * r) };
}

const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * The game's sound: positional (stereo pan and distance falloff from the listener, the player
 * or the spectator's camera), volume and mute from the settings. Browsers only let a page make
 * sound after the player has interacted with it, and an AudioContext made earlier starts
 * suspended (and warns): this one is created inside the first user gesture, not before.
 */
export class SoundSystem {
  private ctx: AudioContext | undefined;
  private master: GainNode | undefined;
  private noise: AudioBuffer | undefined;
  private readonly unlockOnce = () => this.unlock();

  constructor(private readonly settings: SettingsStore) {
    for (const type of GESTURES) window.addEventListener(type, this.unlockOnce, { capture: true });
    settings.onChange((s) => this.applyVolume(s));
  }

  /** Whether sound can play (a gesture has happened). */
  get ready(): boolean {
    return this.ctx !== undefined;
  }

  /** Play `name` at world point `at`, heard from `ear` (both optional: centred, full loudness). */
  play(name: SoundName, at?: SoundAt, ear?: SoundAt): void {
    const ctx = this.ctx;
    const s = this.settings.current;
    if (ctx === undefined || this.master === undefined || s.muted || s.volume <= 0) return;
    const { pan, gain } = placeSound(at, ear);
    if (gain < INAUDIBLE_GAIN) return;
    const level = ctx.createGain();
    level.gain.value = gain;
    const panner = ctx.createStereoPanner();
    panner.pan.value = pan;
    level.connect(panner);
    panner.connect(this.master);
    this.noise ??= makeNoise(ctx);
    playVoice(name, { ctx, out: level, noise: this.noise, t: ctx.currentTime + 0.005 });
  }

  private unlock(): void {
    if (this.ctx !== undefined) return;
    for (const type of GESTURES) window.removeEventListener(type, this.unlockOnce, { capture: true });
    try {
      this.ctx = new AudioContext({ latencyHint: 'interactive' });
    } catch {
      return; // No audio on this device: the game plays silently.
    }
    this.master = this.ctx.createGain();
    this.master.connect(this.ctx.destination);
    this.applyVolume(this.settings.current);
    if (this.ctx.state === 'suspended') void this.ctx.resume().catch(() => undefined);
  }

  private applyVolume(s: Settings): void {
    if (this.master === undefined || this.ctx === undefined) return;
    this.master.gain.setValueAtTime(s.muted ? 0 : s.volume, this.ctx.currentTime);
  }
}
