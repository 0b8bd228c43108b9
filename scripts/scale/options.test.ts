import { describe, expect, it } from 'vitest';
import { parseScaleArgs } from '../data-scale';
import { parseImportArgs } from '../olist/cli';
import { DEFAULT_SHIFT_DAYS } from './rekey';

describe('scale-copy options (import:olist and data:scale share one rule)', () => {
  it('take the same --shift-days, with the same default', () => {
    const bulk = parseScaleArgs(['--copies', '2']);
    const piped = parseImportArgs(['folder', '--copies', '2']);
    expect(bulk !== 'help' && bulk.shiftDays).toBe(DEFAULT_SHIFT_DAYS);
    expect(piped !== 'help' && piped.shiftDays).toBe(DEFAULT_SHIFT_DAYS);
    expect(() => parseScaleArgs(['--copies', '2', '--shift-days', '3651'])).toThrow(
      '--shift-days must be a whole number from 0 to 3650; got "3651"',
    );
    expect(() => parseImportArgs(['folder', '--shift-days', '3651'])).toThrow(
      '--shift-days must be a whole number from 0 to 3650; got "3651"',
    );
  });

  it('cap --copies at 1000; only the bulk copy needs at least one', () => {
    expect(() => parseScaleArgs(['--copies', '1001'])).toThrow(
      '--copies must be a whole number from 1 to 1000',
    );
    expect(() => parseImportArgs(['folder', '--copies', '1001'])).toThrow(
      '--copies must be a whole number from 0 to 1000',
    );
    expect(() => parseScaleArgs(['--copies', '0'])).toThrow('--copies must be a whole number from 1 to 1000');
    const none = parseImportArgs(['folder', '--copies', '0']);
    expect(none !== 'help' && none.copies).toBe(0);
  });
});
