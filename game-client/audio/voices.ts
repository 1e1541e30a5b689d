/**
 * The game's sounds, generated with WebAudio (no files, nothing to license): each voice
 * schedules a few oscillators or a burst of noise with an envelope into `out`, starting at `t`.
 */
export type SoundName = 'shot' | 'enemyShot' | 'hitMarker' | 'hurt' | 'death' | 'respawn' | 'matchEnd';

export interface VoiceContext {
  ctx: BaseAudioContext;
  out: AudioNode;
  /** Half a second of white noise, made once per context. */
  noise: AudioBuffer;
  t: number;
}

/** Seconds each sound lasts at most (for the tests' and mixers' bookkeeping). */
export const VOICE_LENGTH_S: Readonly<Record<SoundName, number>> = {
  shot: 0.12, enemyShot: 0.12, hitMarker: 0.06, hurt: 0.22, death: 0.5, respawn: 0.25, matchEnd: 0.6,
};

export function makeNoise(ctx: BaseAudioContext): AudioBuffer {
  const buffer = ctx.createBuffer(1, Math.round(ctx.sampleRate * 0.5), ctx.sampleRate);
  const data = buffer.getChannelData(0);
  // A fixed linear congruential sequence: the same noise every time, no Math.random needed.
  let s = 0x2545f491;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 0x80000000 - 1;
  }
  return buffer;
}

function envelope(v: VoiceContext, peak: number, attackS: number, lengthS: number): GainNode {
  const g = v.ctx.createGain();
  g.gain.setValueAtTime(0.0001, v.t);
  g.gain.exponentialRampToValueAtTime(peak, v.t + attackS);
  g.gain.exponentialRampToValueAtTime(0.0001, v.t + lengthS);
  g.connect(v.out);
  return g;
}

function tone(v: VoiceContext, type: OscillatorType, fromHz: number, toHz: number, at: number, lengthS: number, peak: number): void {
  const osc = v.ctx.createOscillator();
  osc.type = type;
  osc.frequency.setValueAtTime(fromHz, v.t + at);
  osc.frequency.exponentialRampToValueAtTime(toHz, v.t + at + lengthS);
  osc.connect(envelope({ ...v, t: v.t + at }, peak, 0.005, lengthS));
  osc.start(v.t + at);
  osc.stop(v.t + at + lengthS + 0.02);
}

function noiseBurst(v: VoiceContext, filter: BiquadFilterType, hz: number, lengthS: number, peak: number): void {
  const src = v.ctx.createBufferSource();
  src.buffer = v.noise;
  const f = v.ctx.createBiquadFilter();
  f.type = filter;
  f.frequency.value = hz;
  src.connect(f);
  f.connect(envelope(v, peak, 0.003, lengthS));
  src.start(v.t);
  src.stop(v.t + lengthS + 0.02);
}

export function playVoice(name: SoundName, v: VoiceContext): void {
  switch (name) {
    case 'shot':
      noiseBurst(v, 'bandpass', 1800, 0.07, 0.5);
      tone(v, 'square', 880, 220, 0, 0.08, 0.12);
      break;
    case 'enemyShot':
      noiseBurst(v, 'bandpass', 1200, 0.08, 0.4);
      tone(v, 'square', 660, 165, 0, 0.09, 0.1);
      break;
    case 'hitMarker':
      tone(v, 'sine', 1320, 1500, 0, 0.05, 0.35);
      break;
    case 'hurt':
      tone(v, 'sine', 140, 55, 0, 0.2, 0.6);
      noiseBurst(v, 'lowpass', 500, 0.12, 0.35);
      break;
    case 'death':
      tone(v, 'sawtooth', 440, 70, 0, 0.45, 0.25);
      noiseBurst(v, 'lowpass', 900, 0.3, 0.3);
      break;
    case 'respawn':
      tone(v, 'sine', 330, 990, 0, 0.22, 0.25);
      break;
    case 'matchEnd':
      [523, 659, 784, 1047].forEach((hz, i) => tone(v, 'triangle', hz, hz, i * 0.12, 0.14, 0.3));
      break;
  }
}
