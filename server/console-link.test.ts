import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { announceConsole } from './console-link';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (t: string) => chunks.push(t), text: () => chunks.join('') };
}

describe('announceConsole', () => {
  const token = 'secret-machine-token-1234';

  it('prints the sign-in link on a terminal', () => {
    const out = capture(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'console-link');
    expect(announceConsole(out, 'http://127.0.0.1:4000', token, file)).toBeNull();
    expect(out.text()).toContain(`http://127.0.0.1:4000/#token=${token}`);
  });

  it('keeps the token out of redirected output: the link goes to a file only its owner reads (QA)', () => {
    const out = capture(false);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-link-')), 'sub', 'console-link');
    expect(announceConsole(out, 'http://127.0.0.1:4000', token, file)).toBe(file);
    expect(out.text()).not.toContain(token);
    expect(out.text()).toContain('http://127.0.0.1:4000');
    expect(out.text()).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(`http://127.0.0.1:4000/#token=${token}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
