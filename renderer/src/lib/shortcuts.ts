/**
 * The console's keyboard shortcuts: the table and the matching are shared with the desktop menu
 * (contracts/shortcuts.ts); what is only the browser's (whether a key lands in a text field) is
 * here. The help dialog and the key listener are renderer/src/components/Shortcuts.tsx.
 */
export {
  matchKey,
  SEQUENCE_TIMEOUT_MS,
  SHORTCUTS,
  shortcutKeysLabel,
  type KeyOutcome,
  type Shortcut,
  type ShortcutAction,
} from '../../../contracts/shortcuts';

/** Whether a key event's target takes text (shortcuts then stay out of the way). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement)
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
