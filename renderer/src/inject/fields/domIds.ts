/**
 * DOM ids of the inject form's inputs, hints and error lists, and the `aria-describedby` that
 * ties an input to them. Every id derives from the path the input shows (`data.lines.0.sku`), so
 * the screen can focus the input an issue names.
 */
import type { DisplayIssue } from '../../lib/issueWording';

/** DOM id of the input showing `path` (`data.lines.0.sku` -> `inj-data.lines.0.sku`). */
export function inputId(path: string): string {
  return `inj-${path}`;
}

/** DOM ids of the hint and of the error list of the input showing `path`. */
export const hintId = (path: string): string => `${inputId(path)}-hint`;
export const errorsId = (path: string): string => `${inputId(path)}-errors`;

/** `aria-describedby` of an input: its hint (when shown) and its errors (when any). */
export function describedBy(
  path: string,
  hasHint: boolean,
  issues: DisplayIssue[] | undefined,
): string | undefined {
  const ids = [hasHint ? hintId(path) : null, issues && issues.length > 0 ? errorsId(path) : null];
  return ids.filter(Boolean).join(' ') || undefined;
}
