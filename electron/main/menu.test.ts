/** The application menu lists the console's shortcut table, every entry once, and runs its action. */
import type { MenuItem, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { SHORTCUTS } from '../../contracts/shortcuts';
import { menuTemplate, shortcutMenuLabel, type MenuOptions } from './menu';

function options(over: Partial<MenuOptions> = {}): MenuOptions {
  return {
    productName: 'Supply Chain Event Tracker',
    platform: 'linux',
    runShortcut: vi.fn(),
    notifyExceptions: true,
    setNotifyExceptions: vi.fn(),
    showAbout: vi.fn(),
    ...over,
  };
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
}

const click = (item: MenuItemConstructorOptions, checked = false) =>
  item.click!({ checked } as MenuItem, undefined, {});

describe('application menu', () => {
  it('lists every shortcut of the table exactly once, with its keys', () => {
    const labels = items(menuTemplate(options())).map((i) => i.label);
    for (const s of SHORTCUTS)
      expect(
        labels.filter((l) => l === shortcutMenuLabel(s)),
        s.label,
      ).toHaveLength(1);
    expect(shortcutMenuLabel(SHORTCUTS.find((s) => s.keys.join('') === 'go')!)).toBe(
      'Go to the orders    g o',
    );
  });

  it("sends the chosen shortcut's action to the console", () => {
    const opts = options();
    const all = items(menuTemplate(opts));
    for (const s of SHORTCUTS) click(all.find((i) => i.label === shortcutMenuLabel(s))!);
    expect(vi.mocked(opts.runShortcut).mock.calls.map(([a]) => a)).toEqual(SHORTCUTS.map((s) => s.action));
  });

  it('has the clipboard roles, the notification switch and About', () => {
    const opts = options({ notifyExceptions: false });
    const all = items(menuTemplate(opts));
    expect(all.map((i) => i.role).filter(Boolean)).toEqual(
      expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'quit']),
    );
    const notify = all.find((i) => i.label === 'Notify on new shipment exceptions')!;
    expect(notify).toMatchObject({ type: 'checkbox', checked: false });
    click(notify, true);
    expect(opts.setNotifyExceptions).toHaveBeenCalledWith(true);
    click(all.find((i) => i.label === 'About Supply Chain Event Tracker')!);
    expect(opts.showAbout).toHaveBeenCalledTimes(1);
  });

  it('puts About in the application menu on macOS', () => {
    const template = menuTemplate(options({ platform: 'darwin' }));
    expect(template[0]!.label).toBe('Supply Chain Event Tracker');
    expect(items(template).filter((i) => i.label?.startsWith('About'))).toHaveLength(1);
  });
});
