import { radiansToAim } from '../../shared/math.ts';
import type { InputSample } from '../net/session.ts';
import { actionOf, type Action, type KeyBindings } from '../settings/keyBindings.ts';
import { TwinStick } from './twinStick.ts';

/** What the controls need to know about the screen (CSS px, the page's coordinates). */
export interface ControlSurface {
  /** The element that receives pointer input (the game's canvas, covering the page). */
  element: HTMLElement;
  /** The world point under a screen point. */
  toWorld(x: number, y: number): { x: number; y: number };
  /** Whether a screen point is on the drawn arena. */
  onArena(x: number, y: number): boolean;
}

/** Keys that do something rather than steer. */
export type CommandAction = Exclude<Action, 'up' | 'down' | 'left' | 'right' | 'fire'>;

const STEER: ReadonlySet<Action> = new Set(['up', 'down', 'left', 'right', 'fire']);

function typingInto(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return el !== null && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true);
}

/**
 * Keyboard, mouse and touch, turned into the same `InputSample` the session sends (nothing
 * about touch reaches the server). Keys follow the player's bindings. Presses are latched until
 * the next sample, so a click or a tap shorter than a frame (or than an input step) still
 * fires, or, when spectating, still switches the followed player.
 */
export class Controls {
  readonly sticks = new TwinStick();
  /** Chat or a menu has the keyboard: steer nothing. */
  suspended = false;
  private readonly down = new Set<string>();
  private mouse: { x: number; y: number } | undefined;
  private mouseHeld = false;
  private fireLatched = false;
  private tapAt: { x: number; y: number } | undefined;
  private aim = 0;
  private touchSeen = false;
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly surface: ControlSurface,
    private readonly bindings: () => KeyBindings,
    private readonly command: (action: CommandAction) => void,
  ) {
    const on = <K extends keyof WindowEventMap>(target: Window | HTMLElement, type: K, fn: (e: WindowEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      target.addEventListener(type, fn as EventListener, opts);
      this.off.push(() => target.removeEventListener(type, fn as EventListener, opts));
    };
    on(window, 'keydown', (e) => this.onKey(e, true));
    on(window, 'keyup', (e) => this.onKey(e, false));
    on(window, 'blur', () => this.release());
    on(surface.element, 'pointerdown', (e) => this.onPointerDown(e));
    on(window, 'pointermove', (e) => this.onPointerMove(e));
    on(window, 'pointerup', (e) => this.onPointerUp(e));
    on(window, 'pointercancel', (e) => this.onPointerUp(e));
  }

  /** Whether a finger has been used (touch controls are shown from then on). */
  get touched(): boolean {
    return this.touchSeen;
  }

  /** One input step: movement, aim (from `self`, where the player is) and the trigger. */
  sample(self: { x: number; y: number } | undefined): InputSample {
    const fireLatched = this.fireLatched;
    const tapAt = this.tapAt;
    this.fireLatched = false;
    this.tapAt = undefined;
    if (this.suspended) return { moveX: 0, moveY: 0, aim: this.aim, fire: false };
    const keys = this.bindings();
    const held = (action: Action) => keys[action].some((code) => this.down.has(code));
    let moveX = (held('right') ? 1 : 0) - (held('left') ? 1 : 0);
    let moveY = (held('down') ? 1 : 0) - (held('up') ? 1 : 0);
    const stick = this.sticks.movement();
    if (stick.moveX !== 0 || stick.moveY !== 0) ({ moveX, moveY } = stick);

    const touchAim = this.sticks.aim();
    if (self !== undefined) {
      let target: { x: number; y: number } | undefined;
      if (touchAim !== undefined && 'angle' in touchAim) this.aim = radiansToAim(touchAim.angle);
      else if (touchAim !== undefined) target = this.surface.toWorld(touchAim.point.x, touchAim.point.y);
      else if (tapAt !== undefined) target = this.surface.toWorld(tapAt.x, tapAt.y);
      else if (this.mouse !== undefined) target = this.surface.toWorld(this.mouse.x, this.mouse.y);
      if (target !== undefined && (target.x !== self.x || target.y !== self.y)) this.aim = radiansToAim(Math.atan2(target.y - self.y, target.x - self.x));
    }
    const fire = fireLatched || this.mouseHeld || held('fire') || this.sticks.firing;
    return { moveX, moveY, aim: this.aim, fire };
  }

  destroy(): void {
    for (const off of this.off) off();
    this.off.length = 0;
    this.release();
  }

  /** Forget every key, button and finger (focus lost, chat opened). */
  release(): void {
    this.down.clear();
    this.mouseHeld = false;
    this.sticks.clear();
  }

  private onKey(e: KeyboardEvent, pressed: boolean): void {
    if (typingInto(e.target)) return;
    const action = actionOf(this.bindings(), e.code);
    if (action === undefined) return;
    // Bound keys are the game's: no page scrolling, no "clicking" a focused button with Space.
    e.preventDefault();
    if (STEER.has(action)) {
      if (pressed) {
        this.down.add(e.code);
        if (action === 'fire' && !e.repeat) this.fireLatched = true;
      } else {
        this.down.delete(e.code);
      }
      return;
    }
    if (pressed && !e.repeat) this.command(action as CommandAction);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.pointerType === 'touch') {
      e.preventDefault();
      this.touchSeen = true;
      const onArena = this.surface.onArena(e.clientX, e.clientY);
      this.sticks.down(e.pointerId, e.clientX, e.clientY, window.innerWidth, onArena);
      if (onArena && e.clientX >= window.innerWidth / 2) {
        // A tap on the arena shoots there even if the finger is gone before the next input step.
        this.fireLatched = true;
        this.tapAt = { x: e.clientX, y: e.clientY };
      }
      return;
    }
    this.mouse = { x: e.clientX, y: e.clientY };
    if (e.button === 0) {
      this.mouseHeld = true;
      this.fireLatched = true;
    }
  }

  private onPointerMove(e: PointerEvent): void {
    if (e.pointerType === 'touch') this.sticks.move(e.pointerId, e.clientX, e.clientY);
    else this.mouse = { x: e.clientX, y: e.clientY };
  }

  private onPointerUp(e: PointerEvent): void {
    if (e.pointerType === 'touch') this.sticks.up(e.pointerId);
    else if (e.button === 0 || e.type === 'pointercancel') this.mouseHeld = false;
  }
}
