import { describe, expect, it } from 'vitest';
import { validateEvent, type FieldIssue } from '../../../contracts/events';
import { issueTooltip, operatorMessage, toDisplayIssue } from './issueWording';

const issue = (rule: string, message: string, field = 'data.x'): FieldIssue => ({ field, rule, message });

describe('operator wording of validation issues', () => {
  it('words numbers plainly', () => {
    expect(operatorMessage(issue('invalid_type', 'Invalid input: expected int, received number'))).toBe(
      'Must be a whole number',
    );
    expect(operatorMessage(issue('invalid_type', 'Invalid input: expected number, received string'))).toBe(
      'Must be a number',
    );
    expect(operatorMessage(issue('too_small', 'Too small: expected number to be >=1'))).toBe(
      'Must be at least 1',
    );
    expect(operatorMessage(issue('too_small', 'Too small: expected number to be >0'))).toBe(
      'Must be more than 0',
    );
    expect(operatorMessage(issue('too_big', 'Too big: expected number to be <=1000000'))).toBe(
      'Must be at most 1,000,000',
    );
  });

  it('words lengths, rows, patterns, dates and choices', () => {
    expect(operatorMessage(issue('too_small', 'Too small: expected string to have >=1 characters'))).toBe(
      'Required',
    );
    expect(operatorMessage(issue('too_big', 'Too big: expected string to have <=128 characters'))).toBe(
      'Must be at most 128 characters',
    );
    expect(operatorMessage(issue('too_small', 'Too small: expected array to have >=1 items'))).toBe(
      'Must have at least 1 entry',
    );
    expect(operatorMessage(issue('format:regex', 'only letters, digits and . _ : - are allowed'))).toBe(
      'Use letters, digits and . _ : - only',
    );
    expect(
      operatorMessage(issue('format:regex', 'must not contain control characters or unpaired surrogates')),
    ).toBe('Must not contain control characters');
    expect(operatorMessage(issue('format:date', 'Invalid ISO date'))).toBe('Not a valid date');
    expect(operatorMessage(issue('format:datetime', 'Invalid ISO datetime'))).toBe(
      'Not a valid date and time',
    );
    expect(operatorMessage(issue('format:uuid', 'Invalid UUID'))).toBe('Not a valid UUID');
    expect(operatorMessage(issue('year_range', 'must fall within 0001-01-02 and 9999-12-30 (UTC)'))).toBe(
      'Out of range: days 0001-01-01 to 9999-12-31, times 0001-01-02 to 9999-12-30 (UTC)',
    );
    expect(
      operatorMessage(issue('custom', 'must be an IANA time zone name such as America/Sao_Paulo or UTC')),
    ).toBe('Not a known time zone (e.g. America/Sao_Paulo or UTC)');
    expect(
      operatorMessage(
        issue('invalid_value', 'Invalid option: expected one of "pending"|"in_transit"|"delivered"'),
      ),
    ).toBe('Choose one of: pending, in_transit, delivered');
    expect(operatorMessage(issue('invalid_value', 'Invalid input: expected "1.0"'))).toBe('Must be 1.0');
    expect(operatorMessage(issue('unrecognized_keys', 'Unrecognized key: "foo"'))).toBe('Unknown field: foo');
    expect(operatorMessage(issue('unrecognized_keys', 'Unrecognized keys: "a", "b"'))).toBe(
      'Unknown fields: a, b',
    );
    expect(operatorMessage(issue('invalid_type', 'Invalid input: expected string, received undefined'))).toBe(
      'Required',
    );
    expect(operatorMessage(issue('date_range', 'must be on or after from'))).toBe(
      'Must be on or after the start date',
    );
  });

  it('keeps unknown rules readable', () => {
    expect(operatorMessage(issue('something_new', 'the broker said no'))).toBe('The broker said no');
  });

  it('never shows zod developer wording for any issue of a badly filled event', () => {
    const result = validateEvent({
      specversion: '1.0',
      id: '00000000-0000-4000-8000-000000000000',
      source: 'console',
      type: 'sct.order.created.v1',
      subject: 'bad id',
      time: 'yesterday',
      drillid: 'drill 1',
      data: {
        customerId: 'c',
        warehouseId: 'w'.repeat(200),
        siteTimeZone: 'Mars/Base',
        promisedDate: '2024-13-45',
        lines: [
          { sku: 'A', quantity: 1.5 },
          { sku: 'B', quantity: 0 },
        ],
      },
    });
    if (result.ok) throw new Error('expected issues');
    const shown = result.issues.map(toDisplayIssue);
    for (const i of shown) {
      expect(i.message).not.toMatch(/Invalid input|expected \w+|received|Too (small|big)|ISO/);
      expect(i.detail).toBe(result.issues.find((r) => r.field === i.field && r.rule === i.rule)?.message);
    }
    expect(shown.find((i) => i.field === 'data.lines.0.quantity')).toMatchObject({
      rule: 'invalid_type',
      message: 'Must be a whole number',
    });
    expect(shown.find((i) => i.field === 'data.lines.1.quantity')?.message).toBe('Must be at least 1');
    expect(shown.find((i) => i.field === 'subject')?.message).toBe('Use letters, digits and . _ : - only');
  });

  it('keeps the rule code and the original wording for the tooltip', () => {
    const shown = toDisplayIssue(issue('too_small', 'Too small: expected number to be >=1'));
    expect(issueTooltip(shown)).toBe('rule too_small: Too small: expected number to be >=1');
  });
});
