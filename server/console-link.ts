/**
 * How the headless console hands its sign-in link (`<url>/#token=<machine token>`) to the person
 * who started it. On a terminal the link is printed, as before. When the output is not a terminal
 * (redirected to a file, a pipe, a service manager's journal) printing it would store the machine
 * token in a log (QA): the console URL is printed without the token, and the whole link goes to a
 * file only its owner may read (mode 0600), named in the output.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';

/** What {@link announceConsole} writes to: the process's stdout in production. */
export interface Announcer {
  isTTY?: boolean | undefined;
  write(text: string): unknown;
}

/**
 * Announces the console.
 * @param out where to print (its `isTTY` decides whether the token may be printed)
 * @param url the console's origin (`http://127.0.0.1:PORT`)
 * @param token the machine token
 * @param linkFile where the full link goes when `out` is not a terminal
 * @returns the link file written, or null when the link was printed
 * @throws the fs error when the link file cannot be written (the caller decides)
 */
export function announceConsole(out: Announcer, url: string, token: string, linkFile: string): string | null {
  const link = `${url}/#token=${token}`;
  if (out.isTTY) {
    out.write(`\nSupply Chain Event Tracker console (headless) is up:\n  ${link}\n\n`);
    return null;
  }
  mkdirSync(path.dirname(linkFile), { recursive: true });
  writeFileSync(linkFile, `${link}\n`, { mode: 0o600 });
  chmodSync(linkFile, 0o600); // an existing file keeps its mode on write
  out.write(
    `\nSupply Chain Event Tracker console (headless) is up at ${url}\n` +
      `  The output is not a terminal, so the sign-in link (it holds the machine token) is not printed:\n` +
      `  open the link in ${linkFile} (readable by you only).\n\n`,
  );
  return linkFile;
}
