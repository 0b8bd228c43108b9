import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger';
import { created } from './testing';
import { decodeRecord, encodeRecord, type OutboxPrincipal } from './records';
import { JOURNAL_NAME, OutboxLockedError, OutboxStore, OutboxWriteError, type OutboxFs } from './store';

const log = createLogger('outbox-test', 'silent');
const who: OutboxPrincipal = { operator: 'ana', displayName: 'Ana', role: 'supervisor', method: 'session' };
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sct-outbox-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const open = (dir: string, extra: Partial<Parameters<typeof OutboxStore.open>[0]> = {}) =>
  OutboxStore.open({ dir, log, ...extra });

describe('outbox journal records', () => {
  it('round-trips a record and refuses a line whose checksum does not match', () => {
    const line = encodeRecord({
      kind: 'discarded',
      entryId: 'e1',
      discardedAt: '2026-01-01T00:00:00.000Z',
      operator: 'ana',
      reason: null,
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(decodeRecord(line.trimEnd())).toMatchObject({
      ok: true,
      record: { kind: 'discarded', entryId: 'e1' },
    });
    expect(decodeRecord(line.replace('"ana"', '"bob"').trimEnd())).toEqual({
      ok: false,
      reason: 'checksum mismatch',
    });
    expect(decodeRecord('{"v":1').ok).toBe(false);
  });
});

describe('outbox store', () => {
  it('keeps entries in queue order across a reopen (a restart), minus delivered and discarded ones', () => {
    const dir = tempDir();
    const a = open(dir);
    const events = ['o-1', 'o-2', 'o-3'].map((id) => created(id));
    a.enqueue('e1', who, [events[0]!]);
    a.enqueue('e2', who, [events[1]!]);
    a.enqueue('e3', who, [events[2]!]);
    a.markDelivered('e1', [{ id: events[0]!.id, topic: 't', partition: 0, offset: '5' }]);
    a.close();

    const b = open(dir);
    expect(b.entries().map((e) => e.entryId)).toEqual(['e2', 'e3']);
    expect(b.get('e2')!.events[0]).toEqual(events[1]);
    expect(b.get('e2')!.principal).toEqual(who);
    expect(b.discard('e2', 'bob', 'sent by mistake')?.entryId).toBe('e2');
    expect(b.discard('e2', 'bob', null)).toBeUndefined();
    b.close();

    const c = open(dir);
    expect(c.entries().map((e) => e.entryId)).toEqual(['e3']);
    c.close();
  });

  it('drops a torn last line (a crash mid-write) and appends cleanly after it', () => {
    const dir = tempDir();
    const a = open(dir);
    a.enqueue('e1', who, [created('o-1')]);
    a.close();
    const file = path.join(dir, JOURNAL_NAME);
    const whole = encodeRecord({
      kind: 'queued',
      entryId: 'e2',
      queuedAt: 'x',
      principal: who,
      events: [created('o-2')],
    });
    appendFileSync(file, whole.slice(0, 40)); // no newline: cut short

    const b = open(dir);
    expect(b.entries().map((e) => e.entryId)).toEqual(['e1']);
    expect(b.quarantined).toBe(0);
    b.enqueue('e3', who, [created('o-3')]);
    b.close();
    const c = open(dir);
    expect(c.entries().map((e) => e.entryId)).toEqual(['e1', 'e3']);
    c.close();
  });

  it('quarantines a corrupt line in the middle to <journal>.corrupt without blocking the others', () => {
    const dir = tempDir();
    const a = open(dir);
    a.enqueue('e1', who, [created('o-1')]);
    a.enqueue('e2', who, [created('o-2')]);
    a.enqueue('e3', who, [created('o-3')]);
    a.close();
    const file = path.join(dir, JOURNAL_NAME);
    const lines = readFileSync(file, 'utf8').split('\n');
    const damaged = lines[1]!.replace('o-2', 'o-9'); // bit rot: the checksum no longer matches
    lines[1] = damaged;
    writeFileSync(file, lines.join('\n'));

    const b = open(dir);
    expect(b.entries().map((e) => e.entryId)).toEqual(['e1', 'e3']);
    expect(b.quarantined).toBe(1);
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toBe(`${damaged}\n`);
    // The damaged line left the journal: the next open finds no new damage, still counts the quarantined one.
    b.close();
    const c = open(dir);
    expect(c.entries().map((e) => e.entryId)).toEqual(['e1', 'e3']);
    expect(c.quarantined).toBe(1);
    c.close();
  });

  it('refuses an enqueue on a full disk and keeps nothing, not even a partial line', () => {
    const dir = tempDir();
    const base = open(dir);
    base.enqueue('e1', who, [created('o-1')]);
    base.close();
    const file = path.join(dir, JOURNAL_NAME);
    const before = readFileSync(file, 'utf8');
    let full = false;
    const failing: OutboxFs = {
      ...fs,
      // Writes 10 bytes, then the disk is full (what a real ENOSPC mid-line looks like).
      writeSync: ((fd: number, buffer: Buffer, offset?: number) => {
        if (!full) return fs.writeSync(fd, buffer, offset);
        if ((offset ?? 0) === 0) return fs.writeSync(fd, buffer, 0, 10);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }) as OutboxFs['writeSync'],
    };
    const store = open(dir, { fs: failing });
    full = true;
    let error: unknown;
    try {
      store.enqueue('e2', who, [created('o-2')]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OutboxWriteError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('ENOSPC');
    expect((error as Error).message).toMatch(/To fix: free disk space/);
    expect(store.entries().map((e) => e.entryId)).toEqual(['e1']);
    expect(readFileSync(file, 'utf8')).toBe(before);
    full = false;
    store.enqueue('e3', who, [created('o-3')]);
    store.close();
    expect(
      open(dir)
        .entries()
        .map((e) => e.entryId),
    ).toEqual(['e1', 'e3']);
  });

  it('compacts to an empty journal when nothing is pending, and when the file outgrows its bound', () => {
    const dir = tempDir();
    const file = path.join(dir, JOURNAL_NAME);
    const a = open(dir, { compactBytes: 2_000 });
    a.enqueue('e1', who, [created('o-1')]);
    a.enqueue('e2', who, [created('o-2')]);
    a.discard('e1', 'ana', null);
    const grown = statSync(file).size;
    a.markDelivered('e2', []);
    expect(statSync(file).size).toBe(0);
    for (let i = 0; i < 6; i++) a.enqueue(`f${i}`, who, [created(`o-${i}`)]);
    for (let i = 0; i < 5; i++) a.markDelivered(`f${i}`, []);
    // Over the bound: only the one pending entry is left, as one line.
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(1);
    expect(grown).toBeGreaterThan(0);
    a.close();
    expect(
      open(dir)
        .entries()
        .map((e) => e.entryId),
    ).toEqual(['f5']);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
  });

  it('creates its folder 0700 and its journal, compaction, quarantine and lock files 0600 (payloads, operator names)', () => {
    const mode = (p: string) => statSync(p).mode & 0o777;
    const dir = path.join(tempDir(), 'outbox');
    const file = path.join(dir, JOURNAL_NAME);
    const a = open(dir);
    a.enqueue('e1', who, [created('o-1')]);
    a.enqueue('e2', who, [created('o-2')]);
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    const locks = fs.readdirSync(dir).filter((f) => f !== JOURNAL_NAME);
    expect(locks.length).toBeGreaterThan(0);
    for (const f of locks) expect(mode(path.join(dir, f)), f).toBe(0o600);
    a.compact(); // the journal is now the compaction's temp file, renamed
    expect(mode(file)).toBe(0o600);
    a.close();
    // A journal an older version left 0644, with a damaged line: narrowed, and the quarantine is 0600.
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('o-1', 'o-9');
    writeFileSync(file, lines.join('\n'));
    fs.chmodSync(file, 0o644);
    const b = open(dir);
    expect(b.quarantined).toBe(1);
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}.corrupt`)).toBe(0o600);
    b.close();
  });

  it('lets one live process hold the folder and takes over a lock left by a dead one', () => {
    const dir = tempDir();
    const a = open(dir, { pid: 111, isAlive: () => true });
    expect(() => open(dir, { pid: 222, isAlive: () => true })).toThrow(OutboxLockedError);
    const b = open(dir, { pid: 222, isAlive: () => false });
    b.close();
    a.close();
  });
});
