/**
 * The durable outbox store: an fsync'd, append-only JSON-lines journal (records.ts) in one folder
 * on the console's machine, `<dir>/outbox.jsonl`. Plain Node `fs`, nothing native, so it needs no
 * rebuild for Electron.
 *
 * Durability: every append is one `write` of the whole line followed by `fsync` before the
 * caller hears "done"; the folder is fsync'd when the file is created or replaced. A failed write
 * (ENOSPC, EIO, ...) truncates the file back to where it was and throws {@link OutboxWriteError}:
 * nothing is kept half-way, and the caller must treat the injection as refused.
 *
 * Opening replays the journal: pending = `queued` minus `delivered`/`discarded`, in queue order.
 * - a torn last line (a crash mid-write: no newline at the end) is dropped and cut off;
 * - a damaged line anywhere else (checksum, JSON, shape) is copied to `<journal>.corrupt`, logged
 *   and counted ({@link OutboxStore.quarantined}), and the other lines are read as usual.
 *
 * Compaction rewrites the journal atomically (temp file, fsync, rename, fsync of the folder) with
 * only the pending `queued` records: whenever nothing is pending (the file becomes empty), or the
 * file is larger than `compactBytes`.
 *
 * One process at a time: `<dir>/outbox.lock` holds the owner's pid; a second console on the same
 * folder is refused (a lock left by a dead process is taken over).
 */
import nodeFs from 'node:fs';
import path from 'node:path';
import type { InjectResult, SupplyChainEvent } from '../../contracts';
import type { Logger } from '../../runtime/logger';
import {
  decodeRecord,
  encodeRecord,
  type JournalRecord,
  type OutboxPrincipal,
  type QueuedRecord,
} from './records';

/** The `fs` functions the store uses: injectable so tests can fail a write (a full disk) without filling one. */
export type OutboxFs = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'ftruncateSync'
  | 'fstatSync'
  | 'readFileSync'
  | 'writeFileSync'
  | 'appendFileSync'
  | 'renameSync'
  | 'existsSync'
  | 'mkdirSync'
  | 'unlinkSync'
  | 'fchmodSync'
>;

/**
 * Modes of what the store creates: the journal, its compaction temp, the quarantine of damaged
 * lines and the lock are the owner's only (they hold event payloads and operator names), and so
 * is the folder when the store creates it.
 */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** The journal could not be written (full disk, read-only folder, I/O error): nothing was kept. */
export class OutboxWriteError extends Error {
  override name = 'OutboxWriteError';
  constructor(
    readonly file: string,
    readonly code: string,
    cause: string,
  ) {
    super(
      `the offline outbox ${file} could not be written (${code}: ${cause}); nothing was queued or published. ` +
        `To fix: free disk space on that drive (or make the folder writable), or set SCT_OUTBOX_DIR to another folder, then retry`,
    );
  }
}

/** Another running console holds the outbox folder. */
export class OutboxLockedError extends Error {
  override name = 'OutboxLockedError';
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `the offline outbox is in use by another console (process ${pid}, lock ${lockFile}). ` +
        `To fix: close that console, or give this one its own folder with SCT_OUTBOX_DIR`,
    );
  }
}

/** A pending entry: one queued injection. */
export interface PendingEntry {
  entryId: string;
  /** RFC 3339 UTC. */
  queuedAt: string;
  principal: OutboxPrincipal;
  events: SupplyChainEvent[];
}

export interface OutboxStoreOptions {
  /** Folder of the journal (created when missing). */
  dir: string;
  log: Logger;
  fs?: OutboxFs;
  /** Rewrite the journal when it grows past this many bytes (default 8 MiB). */
  compactBytes?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** This process's id for the lock (tests open two stores in one process). */
  pid?: number;
  /** Whether a pid is alive (tests). */
  isAlive?: (pid: number) => boolean;
}

export const JOURNAL_NAME = 'outbox.jsonl';

export class OutboxStore {
  readonly file: string;
  private readonly lockFile: string;
  private readonly fs: OutboxFs;
  private readonly log: Logger;
  private readonly compactBytes: number;
  private readonly now: () => Date;
  private fd: number | null = null;
  private size = 0;
  private readonly pending = new Map<string, PendingEntry>();
  private quarantinedLines = 0;

  private constructor(private readonly opts: OutboxStoreOptions) {
    this.fs = opts.fs ?? nodeFs;
    this.log = opts.log;
    this.file = path.join(opts.dir, JOURNAL_NAME);
    this.lockFile = path.join(opts.dir, 'outbox.lock');
    this.compactBytes = opts.compactBytes ?? 8 * 1024 * 1024;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Opens (creating when missing) and replays the journal.
   * @throws OutboxLockedError when another live process holds the folder; OutboxWriteError when
   *   the folder cannot be created or written
   */
  static open(opts: OutboxStoreOptions): OutboxStore {
    const store = new OutboxStore(opts);
    store.lock();
    try {
      store.replay();
    } catch (err) {
      store.unlock();
      throw err;
    }
    return store;
  }

  /** Pending entries, in delivery order (oldest first). */
  entries(): PendingEntry[] {
    return [...this.pending.values()];
  }

  get(entryId: string): PendingEntry | undefined {
    return this.pending.get(entryId);
  }

  /** Lines found damaged and moved to `<journal>.corrupt` (every open so far, while that file exists). */
  get quarantined(): number {
    return this.quarantinedLines;
  }

  get corruptFile(): string {
    return `${this.file}.corrupt`;
  }

  /**
   * Appends one queued injection (durable when this returns).
   * @throws OutboxWriteError (nothing kept)
   */
  enqueue(entryId: string, principal: OutboxPrincipal, events: SupplyChainEvent[]): PendingEntry {
    const entry: PendingEntry = { entryId, queuedAt: this.now().toISOString(), principal, events };
    this.append({ kind: 'queued', ...entry });
    this.pending.set(entryId, entry);
    return entry;
  }

  /**
   * Records that an entry's events are durable in Kafka; the entry leaves the queue.
   * @throws OutboxWriteError (the entry stays pending: it is sent again, same ids, and the workers apply it once)
   */
  markDelivered(entryId: string, placements: InjectResult[]): void {
    if (!this.pending.has(entryId)) return;
    this.append({ kind: 'delivered', entryId, deliveredAt: this.now().toISOString(), placements });
    this.pending.delete(entryId);
    this.maybeCompact();
  }

  /**
   * Drops a pending entry for good (never sent).
   * @returns the dropped entry, or undefined when no such entry is pending
   * @throws OutboxWriteError (the entry stays pending)
   */
  discard(entryId: string, operator: string, reason: string | null): PendingEntry | undefined {
    const entry = this.pending.get(entryId);
    if (!entry) return undefined;
    this.append({ kind: 'discarded', entryId, discardedAt: this.now().toISOString(), operator, reason });
    this.pending.delete(entryId);
    this.maybeCompact();
    return entry;
  }

  /** Closes the journal and releases the folder's lock. */
  close(): void {
    if (this.fd !== null) this.fs.closeSync(this.fd);
    this.fd = null;
    this.unlock();
  }

  /**
   * Rewrites the journal with only the pending entries (atomic: temp file, fsync, rename, fsync
   * of the folder). Called on its own when nothing is pending or the file is too large.
   * @throws OutboxWriteError (the old journal stays as it was)
   */
  compact(): void {
    const text = this.entries()
      .map((e) => encodeRecord({ kind: 'queued', ...e }))
      .join('');
    const temp = `${this.file}.tmp`;
    try {
      const fd = this.fs.openSync(temp, 'w', FILE_MODE);
      try {
        if (text) this.fs.writeSync(fd, text);
        this.fs.fsyncSync(fd);
      } finally {
        this.fs.closeSync(fd);
      }
      if (this.fd !== null) this.fs.closeSync(this.fd);
      this.fd = null;
      this.fs.renameSync(temp, this.file);
      this.syncDir();
    } catch (err) {
      throw this.writeError(err);
    } finally {
      if (this.fd === null) this.openForAppend();
    }
  }

  private maybeCompact(): void {
    if (this.pending.size > 0 && this.size <= this.compactBytes) return;
    try {
      this.compact();
    } catch (err) {
      // The journal is still correct (only longer): compaction is retried on the next change.
      this.log.warn({ err: String(err), file: this.file }, 'outbox journal not compacted');
    }
  }

  private append(record: JournalRecord): void {
    if (this.fd === null) this.openForAppend();
    const line = Buffer.from(encodeRecord(record));
    const before = this.size;
    try {
      let written = 0;
      while (written < line.length) written += this.fs.writeSync(this.fd!, line, written);
      this.fs.fsyncSync(this.fd!);
      this.size = before + line.length;
    } catch (err) {
      // Cut a partial line off so the journal stays a sequence of whole records.
      try {
        this.fs.ftruncateSync(this.fd!, before);
        this.fs.fsyncSync(this.fd!);
      } catch (cut) {
        this.log.error(
          { err: String(cut), file: this.file },
          'outbox journal: a partial line could not be cut off',
        );
      }
      throw this.writeError(err);
    }
  }

  private openForAppend(): void {
    try {
      const created = !this.fs.existsSync(this.file);
      this.fd = this.fs.openSync(this.file, 'a', FILE_MODE);
      // A journal an older version created 0644 is narrowed too (the mode only applies on creation).
      if (!created) this.fs.fchmodSync(this.fd, FILE_MODE);
      this.size = this.fs.fstatSync(this.fd).size;
      if (created) this.syncDir();
    } catch (err) {
      throw this.writeError(err);
    }
  }

  private replay(): void {
    try {
      this.fs.mkdirSync(this.opts.dir, { recursive: true, mode: DIR_MODE });
    } catch (err) {
      throw this.writeError(err);
    }
    if (this.fs.existsSync(this.corruptFile))
      this.quarantinedLines = String(this.fs.readFileSync(this.corruptFile, 'utf8'))
        .split('\n')
        .filter((l) => l.trim() !== '').length;
    const text = this.fs.existsSync(this.file) ? String(this.fs.readFileSync(this.file, 'utf8')) : '';
    const lines = text.split('\n');
    // Text after the last newline is a torn write (the crash came before its newline): dropped.
    const torn = lines.pop() ?? '';
    const damaged: { n: number; line: string; reason: string }[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const decoded = decodeRecord(line);
      if (!decoded.ok) {
        damaged.push({ n: i + 1, line, reason: decoded.reason });
        return;
      }
      this.apply(decoded.record);
    });
    if (damaged.length > 0) {
      try {
        this.fs.appendFileSync(this.corruptFile, damaged.map((d) => `${d.line}\n`).join(''), {
          mode: FILE_MODE,
        });
      } catch (err) {
        throw this.writeError(err);
      }
      this.quarantinedLines += damaged.length;
      for (const d of damaged)
        this.log.error(
          { file: this.file, line: d.n, reason: d.reason, copiedTo: this.corruptFile },
          'outbox journal: damaged line quarantined (the other entries are kept)',
        );
    }
    if (torn !== '')
      this.log.warn(
        { file: this.file, bytes: Buffer.byteLength(torn) },
        'outbox journal: torn last line (a write cut short) dropped',
      );
    // Damaged or torn lines leave the journal (the damaged ones are in .corrupt); else just open it.
    if (damaged.length > 0 || torn !== '') this.compact();
    else this.openForAppend();
    if (this.pending.size > 0)
      this.log.info(
        { file: this.file, entries: this.pending.size },
        'offline outbox: queued injections waiting for Kafka',
      );
  }

  private apply(record: JournalRecord): void {
    if (record.kind === 'queued') {
      const { kind: _kind, ...entry } = record satisfies QueuedRecord;
      this.pending.set(record.entryId, entry);
    } else this.pending.delete(record.entryId);
  }

  private syncDir(): void {
    // Makes a new or renamed file's name durable. Not possible on Windows (EPERM/EISDIR): skipped there.
    let fd: number | null = null;
    try {
      fd = this.fs.openSync(this.opts.dir, 'r');
      this.fs.fsyncSync(fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EISDIR' && code !== 'EINVAL') throw err;
    } finally {
      if (fd !== null) this.fs.closeSync(fd);
    }
  }

  private lock(): void {
    const pid = this.opts.pid ?? process.pid;
    const alive =
      this.opts.isAlive ??
      ((p: number) => {
        try {
          process.kill(p, 0);
          return true;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      });
    try {
      this.fs.mkdirSync(this.opts.dir, { recursive: true, mode: DIR_MODE });
    } catch (err) {
      throw this.writeError(err);
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        this.fs.writeFileSync(this.lockFile, String(pid), { flag: 'wx', mode: FILE_MODE });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw this.writeError(err);
      }
      const holder = Number(String(this.fs.readFileSync(this.lockFile, 'utf8')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder))
        throw new OutboxLockedError(this.lockFile, holder);
      // Left by a dead process (or by this one): take it over.
      this.fs.unlinkSync(this.lockFile);
    }
    throw new OutboxLockedError(this.lockFile, -1);
  }

  private unlock(): void {
    try {
      this.fs.unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }

  private writeError(err: unknown): OutboxWriteError {
    if (err instanceof OutboxWriteError) return err;
    const e = err as NodeJS.ErrnoException;
    return new OutboxWriteError(this.file, e.code ?? 'EIO', e.message ?? String(err));
  }
}
