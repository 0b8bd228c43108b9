import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOlist } from './import';
import { loadOlistFolder, OLIST_FILES, OlistInputError, readCsvRows } from './read';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'olist-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function csv(text: string): string {
  const file = path.join(dir, `f${(n += 1)}.csv`);
  writeFileSync(file, text);
  return file;
}

/** Reads every row; returns the error (an OlistInputError is required). */
async function readError(file: string, columns: string[] = ['a', 'b']): Promise<string> {
  try {
    for await (const _row of readCsvRows<Record<string, string>>(file, columns));
  } catch (err) {
    expect(err).toBeInstanceOf(OlistInputError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n'); // one line, no stack
    return message;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe('readCsvRows', () => {
  it('reads rows keyed by header, with BOM, quotes and empty lines', async () => {
    const rows: Record<string, string>[] = [];
    for await (const row of readCsvRows<Record<string, string>>(
      csv('\uFEFFa,"b"\n1,"x, y"\n\n2,"multi\nline"\n'),
      ['a', 'b'],
    ))
      rows.push(row);
    expect(rows).toEqual([
      { a: '1', b: 'x, y' },
      { a: '2', b: 'multi\nline' },
    ]);
  });

  it('names the file, the line where the bad row starts, the row and the reason for an unclosed quote', async () => {
    const file = csv('a,b\n1,2\n"3,4\n5,6\n7,8\n');
    expect(await readError(file)).toBe(
      `${file}: line 3 (row 2): invalid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 5`,
    );
  });

  it('points past quoted multi-line rows and skipped empty lines', async () => {
    const file = csv('a,b\n1,"x\ny"\n\n\n"3,4\n');
    expect(await readError(file)).toMatch(
      new RegExp(`^${file}: line 6 \\(row 2\\): invalid CSV: Quote Not Closed`),
    );
  });

  it('reports every kind of CSV syntax error the same way', async () => {
    const cases: [string, string][] = [
      ['a,b\n1,2\n3,4,5\n', 'line 3 (row 2): invalid CSV: Invalid Record Length: expect 2, got 3 on line 3'],
      ['a,b\n1,2\n3\n', 'line 3 (row 2): invalid CSV: Invalid Record Length: expect 2, got 1 on line 3'],
      ['a,b\n"1"x,2\n', 'line 2 (row 1): invalid CSV: Invalid Closing Quote: got "x" at line 2'],
      [
        'a,b\n1x"y,2\n',
        'line 2 (row 1): invalid CSV: Invalid Opening Quote: a quote is found on field 0 at line 2',
      ],
      ['"a,b\n1,2\n', 'line 1 (header): invalid CSV: Quote Not Closed'],
    ];
    for (const [text, expected] of cases) {
      const file = csv(text);
      expect(await readError(file)).toContain(`${file}: ${expected}`);
    }
  });

  it('rejects an empty file, a header without a required column and a duplicate column, also without rows', async () => {
    const empty = csv('');
    expect(await readError(empty)).toBe(`${empty}: the file is empty (expected a header line)`);
    const missing = csv('a,c\n');
    expect(await readError(missing)).toBe(`${missing}: line 1 (header): missing column b (found: a, c)`);
    const duplicate = csv('a,b,a\n1,2,3\n');
    expect(await readError(duplicate)).toBe(`${duplicate}: line 1 (header): duplicate column a`);
  });

  it('names a file it cannot read (here: a folder) instead of hanging or crashing', async () => {
    const folder = path.join(dir, 'folder.csv');
    mkdirSync(folder);
    expect(await readError(folder)).toMatch(new RegExp(`^${folder}: cannot read the file: EISDIR`));
  });
});

describe('a corrupt Olist folder', () => {
  it('fails before the first publish call, naming the broken file (here the last one read)', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'olist-corrupt-'));
    try {
      writeFileSync(
        path.join(folder, OLIST_FILES.orders),
        'order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n' +
          'o1,c1,delivered,2017-12-01 10:00:00,2017-12-01 10:20:00,2017-12-02 15:00:00,2017-12-08 18:30:00,2017-12-20 00:00:00\n',
      );
      writeFileSync(
        path.join(folder, OLIST_FILES.items),
        'order_id,order_item_id,product_id,seller_id\no1,1,p1,s1\n',
      );
      writeFileSync(
        path.join(folder, OLIST_FILES.customers),
        'customer_id,customer_city,customer_state\nc1,x,SP\n',
      );
      writeFileSync(
        path.join(folder, OLIST_FILES.sellers),
        'seller_id,seller_city,seller_state\ns1,campinas,SP\n"s2,broken,SP\n',
      );
      await expect(loadOlistFolder(folder)).rejects.toThrow(
        `${path.join(folder, OLIST_FILES.sellers)}: line 3 (row 2): invalid CSV: Quote Not Closed`,
      );
      let calls = 0;
      await expect(
        importOlist({
          folder,
          publish: async () => {
            calls += 1;
          },
        }),
      ).rejects.toBeInstanceOf(OlistInputError);
      expect(calls).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
