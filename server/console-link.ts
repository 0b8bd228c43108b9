/**
 * How the headless console hands its sign-in link (`<url>/#token=<machine token>`) to the person
 * who started it. On a terminal the link is printed, as before. When the output is not a terminal
 * (redirected to a file, a pipe, a service manager's journal) printing it would store the machine
 * token in a log (QA): the console URL is printed without the token, and the whole link goes to
 * files only their owner may read (mode 0600), named in the output:
 *
 * - `<linkFile>-<port>` (`.stack/console-link-18500`): this console's own link, removed when it
 *   stops ({@link releaseConsoleLink}), or by the next console when it was killed (its port does
 *   not answer); several consoles of one checkout (other `SCT_API_PORT`s) each have theirs;
 * - `<linkFile>` (`.stack/console-link`): the link of a running console. A console takes it when
 *   it is missing or names a console that no longer answers, never from a running one (a second
 *   console used to overwrite the first's link, then leave a dead link when it stopped: QA). A
 *   console that stops while it holds it hands it to another running one (from their own files),
 *   or removes it.
 *
 * "Running" means its port accepts a connection, and it is not this console's own origin: a link
 * to the port this console listens on, with another token, was left by a console killed before
 * (one port, one listener; QA: after `kill -9` and a restart on the same `SCT_API_PORT` the port
 * answered, so the dead link was kept and announced as another running console). A console that
 * stops cleanly also removes (or hands on) a shared link that names no running console. Two
 * consoles starting at the same instant may both see the file free; the later write wins, and
 * both links are still in their own files.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { portOpen } from '../runtime/port-open';

/** What {@link announceConsole} writes to: the process's stdout in production. */
export interface Announcer {
  isTTY?: boolean | undefined;
  write(text: string): unknown;
}

/** The files one console wrote (see the module comment); null when the link was printed. */
export interface ConsoleLinkFiles {
  /** This console's own file, `<linkFile>-<port>`. */
  own: string;
  /** The shared file, `<linkFile>`. */
  shared: string;
  /** The link written to them. */
  link: string;
}

/** Longest wait for a console's port to accept a connection (ms). */
const ANSWER_TIMEOUT_MS = 1_000;

/**
 * Announces the console.
 * @param out where to print (its `isTTY` decides whether the token may be printed)
 * @param url the console's origin (`http://127.0.0.1:PORT`)
 * @param token the machine token
 * @param linkFile the shared link file (`.stack/console-link`); this console's own file is
 *   `<linkFile>-<port>`
 * @returns the files written, or null when the link was printed
 * @throws the fs error when a link file cannot be written (the caller decides)
 */
export async function announceConsole(
  out: Announcer,
  url: string,
  token: string,
  linkFile: string,
): Promise<ConsoleLinkFiles | null> {
  const link = `${url}/#token=${token}`;
  if (out.isTTY) {
    out.write(`\nSupply Chain Event Tracker console (headless) is up:\n  ${link}\n\n`);
    return null;
  }
  const own = `${linkFile}-${new URL(url).port}`;
  writePrivate(own, link);
  // Own files of consoles that were killed (no release) hold a token and a dead port: removed.
  for (const other of ownLinkFiles(linkFile)) {
    const otherLink = other === own ? null : readLink(other);
    if (other !== own && !(otherLink && (await linkAnswers(otherLink)))) rmSync(other, { force: true });
  }
  const current = readLink(linkFile);
  const sharedIsOurs =
    current === null || current === link || sameOrigin(current, url) || !(await linkAnswers(current));
  if (sharedIsOurs) writePrivate(linkFile, link);
  out.write(
    `\nSupply Chain Event Tracker console (headless) is up at ${url}\n` +
      `  The output is not a terminal, so the sign-in link (it holds the machine token) is not printed:\n` +
      `  open the link in ${own} (readable by you only)` +
      (sharedIsOurs
        ? `; ${linkFile} holds it too.\n\n`
        : `; ${linkFile} holds the link of another console running in this checkout.\n\n`),
  );
  return { own, shared: linkFile, link };
}

/**
 * Removes a stopping console's own link file; when the shared file still holds its link, or a
 * link whose console no longer answers (killed; this console's own port is closed by now), writes
 * there the link of another console that answers (from the `<linkFile>-<port>` files), or removes
 * it. Never throws (a console stops anyway).
 */
export async function releaseConsoleLink(files: ConsoleLinkFiles | null): Promise<void> {
  if (!files) return;
  try {
    rmSync(files.own, { force: true });
    const current = readLink(files.shared);
    if (current === null || (current !== files.link && (await linkAnswers(current)))) return;
    for (const file of ownLinkFiles(files.shared)) {
      const other = readLink(file);
      if (other && other !== files.link && (await linkAnswers(other))) {
        writePrivate(files.shared, other);
        return;
      }
    }
    rmSync(files.shared, { force: true });
  } catch {
    // A link file left behind names a console that does not answer: the next console replaces it.
  }
}

/** The consoles' own link files next to `linkFile` (`<linkFile>-<port>`), by name. */
function ownLinkFiles(linkFile: string): string[] {
  const dir = path.dirname(linkFile);
  const prefix = `${path.basename(linkFile)}-`;
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Writes `link` to `file` (creating its folder), readable and writable by the owner only. */
function writePrivate(file: string, link: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${link}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
}

/** The link in `file`, or null when there is none. */
function readLink(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** True when `link` points at the origin (scheme, host, port) `url`; false for an unreadable one. */
function sameOrigin(link: string, url: string): boolean {
  try {
    return new URL(link).origin === new URL(url).origin;
  } catch {
    return false;
  }
}

/** True when the console of `link` accepts a connection within {@link ANSWER_TIMEOUT_MS}. */
function linkAnswers(link: string): Promise<boolean> {
  let host: string;
  let port: number;
  try {
    const u = new URL(link);
    host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    return Promise.resolve(false);
  }
  return portOpen(host, port, ANSWER_TIMEOUT_MS);
}
