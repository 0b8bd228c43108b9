/**
 * The one rule for free text in events and API requests (bodies, query strings, paths): no
 * control characters (C0, DEL, C1) other than tab and newlines, no bidi embedding, override or
 * isolate controls (U+202A..U+202E, U+2066..U+2069), and no unpaired UTF-16 surrogates. Why:
 * PostgreSQL cannot store NUL in `text` or `jsonb` (an audit row with one fails after the action
 * it records was done) nor a lone surrogate in `jsonb`, and the other control characters only
 * hide content from operators (terminal escapes, bidi tricks in CSV exports). A bidi override
 * reorders everything after it up to the end of the paragraph: "crushed \u202egnp.exe" displays
 * as "crushed exe.png" (the Trojan Source characters, CVE-2021-42574).
 *
 * Other format characters (\p{Cf}) stay allowed: the zero-width joiner (U+200D) builds emoji
 * sequences, the soft hyphen and zero-width space break words. The bidi marks U+200E (LRM),
 * U+200F (RLM) and U+061C (ALM) stay allowed too: Hebrew and Arabic text needs them to place
 * punctuation and numbers (keyboards type them), and a mark only sets the direction of the
 * neutral characters next to it; it opens no run, so it cannot reverse a run of letters such as
 * a file name.
 *
 * A broken rule is reported like every format rule: `{field, rule: 'format:regex', message:
 * TEXT_RULE_MESSAGE}` (contracts/events.ts `toFieldIssues`); the console words it from the
 * message. Environment-neutral: no DOM, no Node.
 */
import { z } from 'zod';

/**
 * Allowed text: tab, newlines, and any character that is neither a control, a bidi embedding,
 * override or isolate control, nor a lone surrogate.
 */
export const TEXT_PATTERN = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069])*$/u;

/**
 * The message of a {@link TEXT_PATTERN} refusal (stable: the console's wording keys on it). The bidi
 * controls are control characters too (Unicode's Bidi_Control property), so it covers them.
 */
export const TEXT_RULE_MESSAGE = 'must not contain control characters or unpaired surrogates';

/**
 * Applies the text rule to a string schema (after its own trim/min/max), e.g.
 * `plainText(z.string().trim().max(500))`.
 */
export function plainText(schema: z.ZodString = z.string()): z.ZodString {
  return schema.regex(TEXT_PATTERN, TEXT_RULE_MESSAGE);
}

/** Free text of 1..max characters (UTF-16 code units) under the text rule. */
export const shortText = (max: number): z.ZodString => plainText(z.string().min(1).max(max));
