/**
 * The console's keyboard shortcuts, all in one table: single keys (`/`, `i`, `t`, `?`) and
 * two-key sequences starting with `g` (go to a page). Pure data and matching, shared by the
 * renderer (key listener and help dialog: renderer/src/components/Shortcuts.tsx) and the desktop
 * shell (the application menu lists the same shortcuts and sends their action over
 * `menu:shortcut`, contracts/ipc.ts).
 */

/** What a shortcut does. */
export type ShortcutAction =
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'theme' }
  | { kind: 'go'; page: 'dashboard' | 'orders' | 'inject' | 'dead-letters' | 'pipeline' | 'audit' };

/** One shortcut: the keys pressed in order, and what it does. */
export interface Shortcut {
  keys: readonly string[];
  label: string;
  action: ShortcutAction;
}

/** Every shortcut, in the order the help dialog lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['/'], label: 'Search an order or shipment id', action: { kind: 'search' } },
  { keys: ['g', 'd'], label: 'Go to the dashboard', action: { kind: 'go', page: 'dashboard' } },
  { keys: ['g', 'o'], label: 'Go to the orders', action: { kind: 'go', page: 'orders' } },
  { keys: ['g', 'p'], label: 'Go to the pipeline', action: { kind: 'go', page: 'pipeline' } },
  { keys: ['g', 'l'], label: 'Go to the dead letters', action: { kind: 'go', page: 'dead-letters' } },
  { keys: ['g', 'a'], label: 'Go to the audit log', action: { kind: 'go', page: 'audit' } },
  { keys: ['i'], label: 'Inject an event', action: { kind: 'go', page: 'inject' } },
  { keys: ['t'], label: 'Switch theme (system, light, dark)', action: { kind: 'theme' } },
  { keys: ['?'], label: 'Show these shortcuts', action: { kind: 'help' } },
];

/** A second key must follow the first within this time (ms). */
export const SEQUENCE_TIMEOUT_MS = 1200;

/** The outcome of a key: a shortcut fired, a sequence started (wait for the next key), or nothing. */
export type KeyOutcome = { kind: 'fire'; action: ShortcutAction } | { kind: 'pending' } | { kind: 'none' };

/**
 * Matches `pending` keys plus the new `key` against the table.
 * @param pending keys of an unfinished sequence (already within the timeout), usually [] or ['g']
 */
export function matchKey(pending: readonly string[], key: string): KeyOutcome {
  const typed = [...pending, key];
  const exact = SHORTCUTS.find(
    (s) => s.keys.length === typed.length && s.keys.every((k, i) => k === typed[i]),
  );
  if (exact) return { kind: 'fire', action: exact.action };
  const prefix = SHORTCUTS.some(
    (s) => s.keys.length > typed.length && typed.every((k, i) => s.keys[i] === k),
  );
  if (prefix) return { kind: 'pending' };
  // An unfinished sequence followed by a stray key: try the key on its own.
  return pending.length > 0 ? matchKey([], key) : { kind: 'none' };
}

/** The keys of a shortcut as shown to a person: `g o`, `/`. */
export function shortcutKeysLabel(shortcut: Shortcut): string {
  return shortcut.keys.join(' ');
}
