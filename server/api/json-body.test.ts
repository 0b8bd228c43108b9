import { describe, expect, it } from 'vitest';
import { JsonBodyError, parseJsonBody } from './json-body';

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
});
