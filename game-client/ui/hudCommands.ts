import type { CommandAction, Controls } from '../input/controls.ts';
import { settings } from '../settings/settings.ts';
import type { HudCommand } from './hud.ts';
import { openSettingsPanel, type SettingsPanel } from './settingsPanel.ts';

/** The part of a scene's HUD these commands drive. */
export interface ChatHud {
  readonly chatOpen: boolean;
  openChat(): void;
  closeChat(): void;
}

/**
 * What the HUD's buttons and their keys do in every game scene: chat, the net graph, mute, the
 * settings dialog, and leave (which first closes the dialog or the chat field, then leaves the room). While the chat
 * field or the dialog is open the game's controls are suspended, so typing steers nothing.
 */
export class HudCommands {
  private panel: SettingsPanel | undefined;

  constructor(private readonly controls: Controls, private readonly hud: ChatHud, private readonly leave: () => void) {}

  get settingsOpen(): boolean {
    return this.panel !== undefined;
  }

  /** A button's command, or a key's (the same, plus the net graph's N). */
  run(command: CommandAction | HudCommand): void {
    switch (command) {
      case 'chat':
        if (this.panel !== undefined) return;
        this.suspend();
        this.hud.openChat();
        break;
      case 'netGraph':
        settings.update({ netGraph: !settings.current.netGraph });
        break;
      case 'mute':
        settings.update({ muted: !settings.current.muted });
        break;
      case 'settings':
        this.openSettings();
        break;
      case 'leave':
        if (this.panel !== undefined) this.panel.close();
        else if (this.hud.chatOpen) this.hud.closeChat();
        else this.leave();
        break;
    }
  }

  /** The chat field closed: the controls come back unless the dialog is still open. */
  chatClosed(): void {
    this.controls.suspended = this.panel !== undefined;
  }

  /** The scene is going away. */
  close(): void {
    this.panel?.close();
  }

  private openSettings(): void {
    if (this.panel !== undefined) return;
    this.hud.closeChat();
    this.suspend();
    this.panel = openSettingsPanel(document.getElementById('overlay')!, settings, () => {
      this.panel = undefined;
      this.controls.suspended = this.hud.chatOpen;
    });
  }

  private suspend(): void {
    this.controls.suspended = true;
    this.controls.release();
  }
}
