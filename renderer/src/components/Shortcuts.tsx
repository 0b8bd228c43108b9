/**
 * Keyboard shortcuts of the whole console (the table is contracts/shortcuts.ts, also listed by
 * the desktop's application menu, whose choices arrive through `sctDesktop.onShortcut`): one key listener on
 * the window that stays out of the way while the operator types in a field or a dialog is open,
 * the help dialog (`?`), and the header's theme button (also `t`).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { create } from 'zustand';
import {
  isTypingTarget,
  matchKey,
  SEQUENCE_TIMEOUT_MS,
  SHORTCUTS,
  type ShortcutAction,
} from '../lib/shortcuts';
import { nextThemeChoice, type ThemeChoice } from '../lib/theme';
import { hrefs } from '../router/hash';
import { navigate } from '../router/useRoute';
import { useAbilities } from '../state/access';
import { useTheme } from '../state/theme';
import { Dialog } from './Dialog';
import { SEARCH_INPUT_ID } from './EntityLookup';

const PAGE_HREF = {
  dashboard: hrefs.dashboard,
  orders: hrefs.orders,
  inject: () => hrefs.inject(),
  'dead-letters': hrefs.deadLetters,
  pipeline: hrefs.pipeline,
  audit: hrefs.audit,
} as const;

/** Whether the shortcut help is open (the `?` key and the header's `?` button open it). */
const useHelp = create<{ open: boolean }>()(() => ({ open: false }));
const setHelpOpen = (open: boolean): void => useHelp.setState({ open });

/** Listens for the shortcuts and renders the help dialog while it is open. */
export function Shortcuts(): ReactNode {
  const helpOpen = useHelp((h) => h.open);
  const { inject } = useAbilities();
  const pending = useRef<{ keys: string[]; at: number }>({ keys: [], at: 0 });

  useEffect(() => {
    const run = (action: ShortcutAction): void => {
      switch (action.kind) {
        case 'search': {
          const input = document.getElementById(SEARCH_INPUT_ID);
          input?.focus();
          break;
        }
        case 'help':
          setHelpOpen(true);
          break;
        case 'theme': {
          const { choice, choose } = useTheme.getState();
          choose(nextThemeChoice(choice));
          break;
        }
        case 'go':
          if (action.page === 'inject' && !inject) break; // a read-only role has no inject page
          navigate(PAGE_HREF[action.page]());
          break;
      }
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target) || document.querySelector('[role="dialog"]')) return;
      const now = Date.now();
      const before = now - pending.current.at <= SEQUENCE_TIMEOUT_MS ? pending.current.keys : [];
      const outcome = matchKey(before, e.key);
      pending.current = { keys: outcome.kind === 'pending' ? [...before, e.key] : [], at: now };
      if (outcome.kind === 'none') return;
      e.preventDefault(); // `/` must not land in the search box it focuses
      if (outcome.kind === 'fire') run(outcome.action);
    };
    window.addEventListener('keydown', onKey);
    // The desktop's application menu lists the same shortcuts and sends the chosen one's action.
    const offMenu = window.sctDesktop?.onShortcut(run);
    return () => {
      window.removeEventListener('keydown', onKey);
      offMenu?.();
    };
  }, [inject]);

  if (!helpOpen) return null;
  return (
    <Dialog
      title="Keyboard shortcuts"
      description="Shortcuts work anywhere except while typing in a field. Press the keys one after the other."
      onCancel={() => setHelpOpen(false)}
      testId="shortcut-help"
    >
      <table className="table shortcuts">
        <caption className="visually-hidden">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.filter((s) => inject || !(s.action.kind === 'go' && s.action.page === 'inject')).map(
            (s) => (
              <tr key={s.keys.join(' ')}>
                <td>
                  {s.keys.map((k, i) => (
                    <span key={i}>
                      {i > 0 && ' then '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.label}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <div className="dialog__actions">
        <button type="button" className="btn" data-autofocus onClick={() => setHelpOpen(false)}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

const THEME_WORD: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** The header's theme button: cycles system → light → dark, says what is in effect. */
export function ThemeButton(): ReactNode {
  const choice = useTheme((t) => t.choice);
  const theme = useTheme((t) => t.theme);
  const choose = useTheme((t) => t.choose);
  return (
    <button
      type="button"
      className="btn btn--small"
      data-testid="theme-button"
      data-theme-choice={choice}
      aria-keyshortcuts="t"
      aria-label={`Theme: ${THEME_WORD[choice]}${choice === 'system' ? ` (${theme})` : ''}. Switch theme`}
      title={`Theme: ${THEME_WORD[choice]} — switch: system, light, dark (t)`}
      onClick={() => choose(nextThemeChoice(choice))}
    >
      <span aria-hidden="true">{choice === 'system' ? '◐' : choice === 'light' ? '☀' : '☾'}</span>
    </button>
  );
}

/** The header's `?` button opening the shortcut help (for those who do not know the key yet). */
export function ShortcutHint(): ReactNode {
  return (
    <button
      type="button"
      className="btn btn--small"
      aria-label="Keyboard shortcuts"
      aria-keyshortcuts="?"
      title="Keyboard shortcuts (?)"
      data-testid="shortcut-hint"
      onClick={() => setHelpOpen(true)}
    >
      ?
    </button>
  );
}
