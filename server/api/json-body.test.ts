import { describe, expect, it } from 'vitest';
import { JsonBodyError, MAX_JSON_DEPTH, parseJsonBody } from './json-body';

const ruleOf = (text: string) => {
  try {
    parseJsonBody(text);
    return null;
  } catch (err) {
    return err instanceof JsonBodyError ? { rule: err.rule, message: err.message } : null;
  }
};

describe('parseJsonBody', () => {
  it('parses JSON', () => {
    expect(parseJsonBody('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
  });
  it('names a __proto__ key and its path instead of "not valid JSON"', () => {
    expect(ruleOf('{"__proto__":{"x":1}}')).toEqual({
      rule: 'forbidden_key',
      message: expect.stringContaining('"__proto__" key at __proto__'),
    });
    expect(ruleOf('{"data":{"lines":[{"__proto__":{}}]}}')?.message).toContain('at data.lines.0.__proto__');
    expect(ruleOf('{"constructor":{"prototype":{"x":1}}}')?.message).toContain('"constructor.prototype"');
    expect(ruleOf('{"constructor":"a string is fine"}')).toBeNull();
  });
  it('says why a body is not JSON, and that an empty body is empty', () => {
    expect(ruleOf('{"a":')?.rule).toBe('invalid_json');
    expect(ruleOf('{"a":')?.message).toMatch(/^body is not valid JSON: /);
    expect(ruleOf('  ')?.rule).toBe('empty_body');
  });
  it('refuses nesting deeper than the limit before any recursive walk (QA: 8,000-deep arrays answered 500)', () => {
    const pairs = [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const;
    for (const [open, close] of pairs) {
      const deep = open.repeat(100_000) + close.repeat(100_000);
      expect(ruleOf(deep)).toEqual({
        rule: 'too_deep',
        message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH}`),
      });
    }
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(ruleOf(atLimit)).toBeNull();
    expect(ruleOf('[' + atLimit + ']')?.rule).toBe('too_deep');
  });
  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: '['.repeat(500) + '\\"{'.repeat(200) });
    expect(parseJsonBody(text)).toEqual(JSON.parse(text));
  });
});
