import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { flushOutput, OUTPUT_FAILED_EXIT_CODE } from './exit';

const repoRoot = path.resolve(__dirname, '..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'sct-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Output far beyond a pipe's 64 KiB buffer. */
const BYTES = 1_000_000;

/**
 * Runs a script that prints {@link BYTES} bytes to stdout and then calls `exit` (a function of
 * runtime/exit.ts or `process.exit`), with stdout to a pipe that is not read until the child has
 * exited or 3 s passed (whichever is first). Returns what arrived and the exit code.
 */
function runChild(exitCall: string, opts: { closeEarly?: boolean } = {}) {
  const file = path.join(dir, `child-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    file,
    `import { exitAfterFlush } from ${JSON.stringify(path.join(repoRoot, 'runtime', 'exit'))};\n` +
      `void exitAfterFlush;\nprocess.stdout.write('x'.repeat(${BYTES - 1}) + '\\n');\n${exitCall};\n`,
  );
  return new Promise<{ received: number; code: number | null; stderr: string }>((resolve) => {
    const child = spawn(tsx, [file], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.pause();
    if (opts.closeEarly) {
      // The reader goes away after the first chunk, like `| head -c 10`.
      child.stdout.once('data', () => child.stdout.destroy());
      child.stdout.resume();
    } else {
      child.stdout.on('data', (d: Buffer) => (received += d.length));
      const resume = setTimeout(() => child.stdout.resume(), 3_000);
      child.once('exit', () => {
        clearTimeout(resume);
        child.stdout.resume();
      });
    }
    child.once('close', (code) => resolve({ received, code, stderr }));
  });
}

describe('flushOutput', () => {
  it('resolves once a slow reader has taken everything written before it', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    stream.write('a'.repeat(1000));
    let flushed = false;
    const done = flushOutput(stream).then((err) => {
      flushed = true;
      return err;
    });
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    let read = 0;
    stream.on('data', (d: Buffer) => (read += d.length));
    expect(await done).toBeNull();
    expect(read).toBe(1000);
  });

  it('returns the write error (e.g. EPIPE), also one that happened before', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    broken.on('error', () => undefined);
    broken.write('lost');
    const err = await flushOutput(broken);
    expect(err?.code).toBe('EPIPE');
  });
});

describe('exitAfterFlush', () => {
  it('exits only after a pipe read late has all of the output: exit 0', async () => {
    const r = await runChild('void exitAfterFlush(0)');
    expect(r.received).toBe(BYTES);
    expect(r.code).toBe(0);
  }, 30_000);

  it('(what it replaces: process.exit cuts the output in a pipe)', async () => {
    const r = await runChild('process.exit(0)');
    expect(r.received).toBeLessThan(BYTES);
    expect(r.code).toBe(0);
  }, 30_000);

  it('keeps a non-zero code, and makes 0 a failure when the reader went away (EPIPE)', async () => {
    expect((await runChild('void exitAfterFlush(3)')).code).toBe(3);
    const r = await runChild('void exitAfterFlush(0, "demo")', { closeEarly: true });
    expect(r.code).toBe(OUTPUT_FAILED_EXIT_CODE);
    expect(r.stderr).toMatch(/^demo: could not write the output to stdout \(EPIPE\); it is incomplete/m);
  }, 30_000);
});
