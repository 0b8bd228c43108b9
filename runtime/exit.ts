/**
 * Ending a command-line process without losing its output: the one place the project's scripts
 * (and the headless server's start-up failures) end the process with a code.
 *
 * Node writes to a pipe asynchronously once the pipe is full (64 KiB on Linux): a `process.exit()`
 * right after a large `process.stdout.write` / `console.log` drops whatever is still queued, so
 * `npm run -s kpi -- --json | jq` got JSON cut at 128 KiB and an exit code of 0. A file or a
 * terminal is written synchronously, which is why the fault only shows in a pipe.
 * {@link exitAfterFlush} waits until stdout and stderr have handed everything to the kernel, then
 * exits; when a write failed (EPIPE: the reader went away; or any other write error) it exits with
 * {@link OUTPUT_FAILED_EXIT_CODE} instead of 0, so a cut output is never reported as success.
 */

/** The exit code when stdout or stderr could not be written (the output is incomplete). */
export const OUTPUT_FAILED_EXIT_CODE = 1;

/** A stream that output is written to: `process.stdout`, `process.stderr`, or a test's pipe. */
export type OutputStream = Pick<NodeJS.WritableStream, 'write'> & {
  readonly destroyed?: boolean;
  readonly errored?: Error | null;
};

const streamErrors = new WeakMap<object, Error>();
const watched = new WeakSet<object>();

/**
 * Remembers the first write error of `stream` (an 'error' listener), so that a write that failed
 * before {@link flushOutput} is still counted, and so that the error does not crash the process
 * as an unhandled 'error' event (it is reported by the exit code instead).
 */
export function watchOutputErrors(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on('error', (err: Error) => {
    if (!streamErrors.has(stream)) streamErrors.set(stream, err);
  });
}

/**
 * Waits until everything written to `stream` so far has been handed to the operating system
 * (an empty write's callback runs after every earlier write's, in order).
 * @returns null when all of it was written; else the write error (e.g. code `EPIPE`)
 */
export function flushOutput(stream: OutputStream): Promise<NodeJS.ErrnoException | null> {
  const earlier = streamErrors.get(stream) ?? stream.errored ?? null;
  if (earlier) return Promise.resolve(earlier);
  if (stream.destroyed) return Promise.resolve(new Error('the output stream was closed'));
  return new Promise((resolve) => {
    try {
      stream.write('', (err?: Error | null) => resolve(err ?? streamErrors.get(stream) ?? null));
    } catch (err) {
      resolve(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/**
 * Exits the process with `code` once stdout and stderr are flushed ({@link flushOutput}); with
 * {@link OUTPUT_FAILED_EXIT_CODE} when `code` is 0 but stdout or stderr could not be written
 * (a non-zero `code` is kept). Use instead of `process.exit(code)` after printing.
 * While it waits, `process.exitCode` is `code`, so the process ends with it if nothing else
 * keeps it alive. Waits as long as the reader of a pipe takes to read.
 * @param name the command's name, for the line on stderr that says stdout could not be written
 * @returns never: the process exits
 */
export async function exitAfterFlush(code: number, name?: string): Promise<never> {
  process.exitCode = code;
  watchOutputErrors(process.stdout);
  watchOutputErrors(process.stderr);
  const outError = await flushOutput(process.stdout);
  let exitCode = code;
  if (outError) {
    if (exitCode === 0) exitCode = OUTPUT_FAILED_EXIT_CODE;
    const errCode = outError.code ?? outError.message;
    process.stderr.write(
      `${name ? `${name}: ` : ''}could not write the output to stdout (${errCode}); it is incomplete\n`,
    );
  }
  const errError = await flushOutput(process.stderr);
  if (errError && exitCode === 0) exitCode = OUTPUT_FAILED_EXIT_CODE;
  process.exit(exitCode);
}

/**
 * Thrown by code that must end the command now with `code` after printing (e.g. `--help`, a
 * usage error) but cannot wait for the output to flush itself; the entry point's rejection
 * handler turns it into {@link exitAfterFlush}(`code`).
 */
export class ExitRequest extends Error {
  override name = 'ExitRequest';
  constructor(readonly code: number) {
    super(`exit with code ${code}`);
  }
}
