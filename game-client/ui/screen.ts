import type Phaser from 'phaser';

/** Larger device pixel ratios are drawn at this one: sharper than the eye tells apart on a phone, at a fraction of the fill cost. */
export const MAX_DEVICE_PIXEL_RATIO = 3;

export function deviceScale(): number {
  return Math.min(MAX_DEVICE_PIXEL_RATIO, Math.max(1, window.devicePixelRatio || 1));
}

/** The Phaser scale settings for a canvas that covers the window at the device's resolution. */
export function screenScaleConfig(): Phaser.Types.Core.ScaleConfig {
  const dpr = deviceScale();
  return { mode: 0 /* Phaser.Scale.NONE: sized here */, width: Math.round(window.innerWidth * dpr), height: Math.round(window.innerHeight * dpr), zoom: 1 / dpr };
}

/**
 * Keep the game's canvas the size of the window in CSS px and `devicePixelRatio` times that in
 * real pixels, so text and lines are drawn at the screen's own resolution (crisp on a 2560 ×
 * 1440 monitor or a phone) instead of a fixed canvas being stretched. Scenes lay themselves out
 * on the scale manager's `resize` event.
 */
export function fitGameToWindow(game: Phaser.Game): void {
  let applied = '';
  const apply = () => {
    const dpr = deviceScale();
    const w = Math.round(window.innerWidth * dpr);
    const h = Math.round(window.innerHeight * dpr);
    const key = `${w}x${h}@${dpr}`;
    if (key === applied) return;
    applied = key;
    // Size first, then zoom: setting the zoom is what rewrites the canvas' CSS size (from the
    // current size); `resize` alone leaves it when the ratio is 1, stretching the canvas.
    game.scale.resize(w, h);
    game.scale.setZoom(1 / dpr);
  };
  window.addEventListener('resize', apply);
  // Moving the window to a screen of another density changes the ratio without a resize.
  const watchDensity = () => {
    const query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', () => { apply(); watchDensity(); }, { once: true });
  };
  watchDensity();
  apply();
}
