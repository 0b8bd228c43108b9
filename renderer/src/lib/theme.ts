/**
 * Light and dark themes: the console follows the system (`prefers-color-scheme`) unless the
 * operator picked one, kept in localStorage. Pure parts only; renderer/src/state/theme.ts wires
 * them to the page.
 */

/** What the operator chose: follow the system, or a fixed theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';
/** The theme in effect (the `data-theme` attribute of `<html>`). */
export type Theme = 'light' | 'dark';

/** localStorage key of the operator's choice. */
export const THEME_STORAGE_KEY = 'sct.theme';

/** The stored choice; anything unknown (or nothing) means "follow the system". */
export function parseThemeChoice(stored: string | null): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** The theme in effect for a choice, given whether the system prefers dark. */
export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice !== 'system') return choice;
  return systemPrefersDark ? 'dark' : 'light';
}

/** The next choice of the header's theme button: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}
