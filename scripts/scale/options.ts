/**
 * The scale-copy options shared by `npm run import:olist` (copies through the pipeline) and
 * `npm run data:scale` (copies inside PostgreSQL): `--copies N` and `--shift-days D`, with one
 * rule each, so both commands accept and refuse the same values.
 */
import { wholeNumberOption } from '../cli';
import { DEFAULT_SHIFT_DAYS } from './rekey';

/** Most copies one command makes (1,000 copies of the Olist sample is ~20 million orders). */
export const MAX_COPIES = 1000;
/** Largest shift between two copies, in site days (ten years). */
export const MAX_SHIFT_DAYS = 3650;

/** The two options for a `parseCli` definition. */
export const SCALE_COPY_OPTIONS = {
  copies: { type: 'string' },
  'shift-days': { type: 'string' },
} as const;

/**
 * `--copies` as a whole number in `min..MAX_COPIES` (`min` 0 for an optional copy count).
 * @throws UsageError naming `--copies` and the rule
 */
export function copiesOption(value: string, min: 0 | 1): number {
  return wholeNumberOption('copies', value, min, MAX_COPIES);
}

/**
 * `--shift-days` as whole site days in `0..MAX_SHIFT_DAYS`; absent -> {@link DEFAULT_SHIFT_DAYS}.
 * @throws UsageError naming `--shift-days` and the rule
 */
export function shiftDaysOption(value: string | undefined): number {
  return value === undefined ? DEFAULT_SHIFT_DAYS : wholeNumberOption('shift-days', value, 0, MAX_SHIFT_DAYS);
}
