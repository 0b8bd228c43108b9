/**
 * The reason a bulk action asks for (re-driving more than one dead letter): checked locally with
 * the same schema the server uses (contracts/auth.ts `reasonSchema`, 3..500 characters after
 * trimming) before anything is sent. Pure functions, unit-tested.
 */
import { reasonSchema } from '../../../contracts/auth';

/** Longest reason the server accepts (characters, after trimming). */
export const REASON_MAX_CHARS = 500;

/** True when re-driving `count` dead letters at once needs a reason (a bulk re-drive). */
export function redriveNeedsReason(count: number): boolean {
  return count > 1;
}

/** Result of {@link checkReason}: the trimmed reason, or what is wrong with it. */
export type ReasonCheck = { ok: true; reason: string } | { ok: false; message: string };

/** Checks a typed reason: `Reason is required`, `... at least 3 characters`, `... at most 500 characters`. */
export function checkReason(text: string): ReasonCheck {
  if (text.trim() === '') return { ok: false, message: 'Reason is required: say why these are re-driven.' };
  const r = reasonSchema.safeParse(text);
  if (r.success) return { ok: true, reason: r.data };
  const tooLong = text.trim().length > REASON_MAX_CHARS;
  return {
    ok: false,
    message: tooLong
      ? `Reason is too long: at most ${REASON_MAX_CHARS} characters (now ${text.trim().length}).`
      : 'Reason is too short: at least 3 characters.',
  };
}
