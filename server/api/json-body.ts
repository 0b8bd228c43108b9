/**
 * The API's JSON body parser (`application/json` and `application/cloudevents+json`): the text is
 * parsed with `JSON.parse`, then refused when any object in it has a `__proto__` key or a
 * `constructor` key holding a `prototype` (prototype poisoning: merged into an object later,
 * such a key could change every object's behaviour), or when it nests deeper than
 * {@link MAX_JSON_DEPTH} (QA: `[[[...]]]` 8,000 deep overflowed the stack of the checks after the
 * parser and answered 500, also before sign-in). Each refusal says what is wrong and where,
 * instead of a generic "not valid JSON".
 */

/**
 * Deepest nesting of arrays and objects a body may have. A batch of events is 6 deep
 * (`events[].data.lines[].{}`); 64 leaves room for any legitimate body and keeps every recursive
 * walk over a parsed body far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

/** Why a body was refused (HTTP 400); `rule` is `empty_body`, `invalid_json`, `too_deep` or `forbidden_key`. */
export class JsonBodyError extends Error {
  override name = 'JsonBodyError';
  readonly statusCode = 400;
  constructor(
    readonly rule: 'empty_body' | 'invalid_json' | 'too_deep' | 'forbidden_key',
    message: string,
  ) {
    super(message);
  }
}

/** Where a forbidden key is, as a path (`data.lines.0.__proto__`; `__proto__` at the top). */
function forbiddenKeyPath(value: unknown, path: string[] = []): string[] | null {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') return [...path, key];
    if (
      key === 'constructor' &&
      child !== null &&
      typeof child === 'object' &&
      Object.prototype.hasOwnProperty.call(child, 'prototype')
    )
      return [...path, key, 'prototype'];
    const found = forbiddenKeyPath(child, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * The character offset where the text's nesting first passes `limit`, or -1: one pass over the
 * text, brackets inside strings (with their escapes) not counted. Runs before `JSON.parse`, so
 * nothing recursive ever sees a deeper value.
 */
function depthExceededAt(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return -1;
}

/**
 * Parses a JSON request body.
 * @param text the body as received (UTF-8 decoded)
 * @returns the parsed value (`JSON.parse` makes a `__proto__` key an own property, never the
 *   prototype, so the check below runs on a safe value)
 * @throws JsonBodyError: empty body, nested deeper than {@link MAX_JSON_DEPTH} (with the position),
 *   not JSON (with the parser's reason and position), or a forbidden key (named with its path)
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new JsonBodyError('empty_body', 'body is empty: send a JSON value');
  const deepAt = depthExceededAt(text, MAX_JSON_DEPTH);
  if (deepAt >= 0)
    throw new JsonBodyError(
      'too_deep',
      `body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels (at position ${deepAt}): flatten it`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonBodyError('invalid_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  const at = forbiddenKeyPath(value);
  if (at) {
    const key = at.at(-1) === 'prototype' ? 'constructor.prototype' : '__proto__';
    throw new JsonBodyError(
      'forbidden_key',
      `body has a "${key}" key at ${at.join('.')}: keys named __proto__ (or constructor holding prototype) are refused because they could poison object prototypes; remove it`,
    );
  }
  return value;
}
