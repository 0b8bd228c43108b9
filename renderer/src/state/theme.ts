/**
 * The theme store: the operator's choice (localStorage, see renderer/src/lib/theme.ts), the
 * system preference (kept up to date through `matchMedia`), and the theme in effect, written to
 * `<html data-theme>` where styles.css picks its palette.
 */
import { create } from 'zustand';
import {
  parseThemeChoice,
  resolveTheme,
  THEME_STORAGE_KEY,
  type Theme,
  type ThemeChoice,
} from '../lib/theme';

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  /** Sets and stores the operator's choice. */
  choose(choice: ThemeChoice): void;
  /**
   * Applies the settings' default theme (`display.theme`, the settings screen) unless the
   * operator picked one in this browser; not stored.
   */
  setDefault(choice: ThemeChoice): void;
}

function hasStoredChoice(): boolean {
  try {
    return localStorage.getItem(THEME_STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemPrefersDark(): boolean {
  // No matchMedia (tests in Node): the console's original theme.
  return typeof matchMedia === 'function' ? matchMedia(DARK_QUERY).matches : true;
}

function readChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system'; // storage blocked: follow the system
  }
}

function apply(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset['theme'] = theme;
}

const initialChoice = readChoice();

/** The theme store; the theme is applied to the page as soon as this module loads. */
export const useTheme = create<ThemeState>()((set) => ({
  choice: initialChoice,
  theme: resolveTheme(initialChoice, systemPrefersDark()),
  choose(choice) {
    try {
      if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // storage blocked: the choice lasts for this page only
    }
    set({ choice, theme: resolveTheme(choice, systemPrefersDark()) });
  },
  setDefault(choice) {
    if (!hasStoredChoice()) set({ choice, theme: resolveTheme(choice, systemPrefersDark()) });
  },
}));

apply(useTheme.getState().theme);
useTheme.subscribe((s) => apply(s.theme));
if (typeof matchMedia === 'function') {
  matchMedia(DARK_QUERY).addEventListener('change', (e) => {
    const { choice } = useTheme.getState();
    useTheme.setState({ theme: resolveTheme(choice, e.matches) });
  });
}
