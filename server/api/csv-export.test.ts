import { describe, expect, it } from 'vitest';
import { csvStream } from './csv-export';

/** The CSV text of one column holding `values` (server/ has no CSV parser: cells are read as written). */
async function csvOf(values: string[]): Promise<string> {
  const stream = csvStream(
    (async function* () {
      yield values;
    })(),
    [['cell', (v: string) => v]],
  );
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** A cell as RFC 4180 writes it inside quotes (quotes doubled). */
const quoted = (v: string): string => v.replace(/"/g, '""');

describe('csvStream', () => {
  it('prefixes every cell a spreadsheet would run as a formula, leading white space included', async () => {
    const risky = [
      '=cmd|"/c calc"!A1',
      '+1',
      '-1+2',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      ' @SUM(A1)',
      '  =1',
      '\t +1',
      '\u00a0-2',
    ];
    const text = await csvOf(risky);
    for (const v of risky) expect(text, JSON.stringify(v)).toContain(`'${quoted(v)}`);
  });

  it('leaves ordinary text alone, inner formula characters and quotes included', async () => {
    const plain = ['late 2 days', 'say "hi"', 'a=b', 'x @y', 'ORD-1'];
    const text = await csvOf(plain);
    expect(text).not.toContain("'");
    for (const v of plain) expect(text).toContain(quoted(v));
  });
});
