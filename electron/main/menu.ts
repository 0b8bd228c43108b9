/**
 * The application menu. Its keyboard shortcuts are the console's own (contracts/shortcuts.ts, the
 * one table the renderer's key listener and help dialog use): each item shows its keys and, when
 * chosen, sends the shortcut's action to the page on `menu:shortcut` (contracts/ipc.ts). Single
 * keys and `g` sequences are the page's to handle (Electron accelerators cannot express a
 * sequence, and a single-key accelerator would swallow typing), so the items only show them.
 * Pure template (unit tested); index.ts builds it with `Menu.buildFromTemplate`.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { SHORTCUTS, shortcutKeysLabel, type Shortcut, type ShortcutAction } from '../../contracts/shortcuts';

export interface MenuOptions {
  productName: string;
  platform: NodeJS.Platform;
  /** Sends a shortcut's action to the console window (`webContents.send('menu:shortcut', action)`). */
  runShortcut(action: ShortcutAction): void;
  /** Whether new shipment exceptions raise an OS notification (the checkbox's state). */
  notifyExceptions: boolean;
  setNotifyExceptions(on: boolean): void;
  showAbout(): void;
}

/** A shortcut's menu label: its description and its keys, e.g. `Go to the orders    g o`. */
export function shortcutMenuLabel(shortcut: Shortcut): string {
  return `${shortcut.label}    ${shortcutKeysLabel(shortcut)}`;
}

function shortcutItems(opts: MenuOptions, pick: (s: Shortcut) => boolean): MenuItemConstructorOptions[] {
  return SHORTCUTS.filter(pick).map((s) => ({
    label: shortcutMenuLabel(s),
    click: () => opts.runShortcut(s.action),
  }));
}

/**
 * The menu: File (exception notifications on/off, quit), Edit (the platform's clipboard roles, so
 * copy and paste work in the console's fields), Go (the page and search shortcuts), View (theme,
 * zoom, full screen) and Help (the shortcut list, About). Every shortcut of the table appears
 * exactly once.
 */
export function menuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = opts.platform === 'darwin';
  const about: MenuItemConstructorOptions = {
    label: `About ${opts.productName}`,
    click: () => opts.showAbout(),
  };
  const notify: MenuItemConstructorOptions = {
    label: 'Notify on new shipment exceptions',
    type: 'checkbox',
    checked: opts.notifyExceptions,
    click: (item) => opts.setNotifyExceptions(item.checked),
  };
  return [
    ...(isMac
      ? [
          {
            label: opts.productName,
            submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }],
          } as MenuItemConstructorOptions,
        ]
      : []),
    { label: '&File', submenu: [notify, { type: 'separator' }, { role: isMac ? 'close' : 'quit' }] },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&Go',
      submenu: shortcutItems(opts, (s) => s.action.kind === 'go' || s.action.kind === 'search'),
    },
    {
      label: '&View',
      submenu: [
        ...shortcutItems(opts, (s) => s.action.kind === 'theme'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        ...shortcutItems(opts, (s) => s.action.kind === 'help'),
        ...(isMac ? [] : [{ type: 'separator' } as const, about]),
      ],
    },
  ];
}
