import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { announceConsole, releaseConsoleLink } from './console-link';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A port that accepts connections (a running console), and a function that stops it. */
async function listening(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

const read = (file: string) => readFileSync(file, 'utf8');
const mode = (file: string) => statSync(file).mode & 0o777;

describe('announceConsole', () => {
  const token = 'secret-machine-token-1234';

  it('prints the sign-in link on a terminal', async () => {
    const out = capture(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    expect(await announceConsole(out, 'http://127.0.0.1:4000', token, file)).toBeNull();
    expect(out.text()).toContain(`http://127.0.0.1:4000/#token=${token}`);
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the token out of redirected output: the link goes to files only their owner reads (QA)', async () => {
    const out = capture(false);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'sub', 'console-link');
    const files = await announceConsole(out, 'http://127.0.0.1:4000', token, file);
    expect(files).toEqual({
      own: `${file}-4000`,
      shared: file,
      link: `http://127.0.0.1:4000/#token=${token}`,
    });
    expect(out.text()).not.toContain(token);
    expect(out.text()).toContain('http://127.0.0.1:4000');
    expect(out.text()).toContain(`${file}-4000`);
    for (const f of [file, `${file}-4000`]) {
      expect(read(f)).toBe(`http://127.0.0.1:4000/#token=${token}\n`);
      expect(mode(f)).toBe(0o600);
    }
  });

  it("a second console of the same checkout does not take a running one's link, and hands it on when it stops (QA)", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    const a = await listening();
    const b = await listening();
    const filesA = await announceConsole(capture(false), a.url, token, file);
    const outB = capture(false);
    const filesB = await announceConsole(outB, b.url, token, file);
    // The shared file still holds A's link; B's is in its own file, which its output names.
    expect(read(file)).toBe(`${filesA!.link}\n`);
    expect(read(filesB!.own)).toBe(`${filesB!.link}\n`);
    expect(read(filesA!.own)).toBe(`${filesA!.link}\n`);
    expect(outB.text()).toContain(filesB!.own);
    expect(outB.text()).toMatch(/holds the link of another console/);

    // B stops: its own file goes, A's links stay.
    await b.stop();
    await releaseConsoleLink(filesB);
    expect(existsSync(filesB!.own)).toBe(false);
    expect(read(file)).toBe(`${filesA!.link}\n`);

    // B starts again, then A stops: the shared file is handed to B (which answers), mode kept.
    const b2 = await listening();
    const filesB2 = await announceConsole(capture(false), b2.url, token, file);
    await a.stop();
    await releaseConsoleLink(filesA);
    expect(existsSync(filesA!.own)).toBe(false);
    expect(read(file)).toBe(`${filesB2!.link}\n`);
    expect(mode(file)).toBe(0o600);

    // The last one stops: no link left that names a dead console.
    await b2.stop();
    await releaseConsoleLink(filesB2);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(filesB2!.own)).toBe(false);
  });

  it('takes over a shared link left behind by a console that no longer answers (killed)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    const dead = await listening();
    await announceConsole(capture(false), dead.url, token, file);
    await dead.stop();
    const live = await listening();
    const files = await announceConsole(capture(false), live.url, token, file);
    expect(read(file)).toBe(`${files!.link}\n`);
    // The dead console's own file (its token, a dead port) is gone too.
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['console-link', path.basename(files!.own)]);
  });

  it('takes over the shared link of a killed console restarted on the same port with a new token, and removes it on a clean stop (QA)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    const port = await listening();
    // First start, then kill -9: no release, its links stay behind.
    await announceConsole(capture(false), port.url, 'token-of-the-killed-console', file);
    // Second start on the same port: the port answers, but it is this console's own port now.
    const out = capture(false);
    const files = await announceConsole(out, port.url, token, file);
    expect(read(file)).toBe(`${files!.link}\n`);
    expect(out.text()).not.toMatch(/another console/);
    expect(out.text()).toContain(`${file} holds it too`);
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['console-link', path.basename(files!.own)]);
    // Ctrl-C: both files go.
    await port.stop();
    await releaseConsoleLink(files);
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('a clean stop removes a shared link that names a console that no longer answers (the holder was killed)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    const a = await listening();
    const b = await listening();
    await announceConsole(capture(false), a.url, token, file);
    const filesB = await announceConsole(capture(false), b.url, token, file);
    await a.stop(); // killed: A never releases
    await b.stop();
    await releaseConsoleLink(filesB);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(filesB!.own)).toBe(false);
  });

  it('a clean stop hands a dead shared link on to a console that answers', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    const a = await listening();
    const b = await listening();
    const c = await listening();
    await announceConsole(capture(false), a.url, token, file);
    const filesB = await announceConsole(capture(false), b.url, token, file);
    const filesC = await announceConsole(capture(false), c.url, token, file);
    await a.stop(); // killed: A never releases
    await b.stop();
    await releaseConsoleLink(filesB);
    expect(read(file)).toBe(`${filesC!.link}\n`);
  });
});
