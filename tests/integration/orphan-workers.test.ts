/**
 * QA (session 6): after `kill -9` of the headless console, its three workers were re-parented to
 * PID 1 and kept consuming; a restarted console added three more. A worker started under a
 * supervisor (fork with an IPC channel, as the headless console starts them) now stops when that
 * channel closes, whatever killed the parent. A real worker against the real stack: a stand-in
 * parent forks it, the test SIGKILLs the parent and waits for the worker to be gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEnv } from '../../server/core';
import { repoRoot, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let d: TestDeployment;
let parent: ChildProcess | null = null;
let workerPid = 0;

beforeAll(async () => {
  d = await startDeployment({ workers: false });
}, 120_000);

afterAll(async () => {
  parent?.kill('SIGKILL');
  if (workerPid) {
    try {
      process.kill(workerPid, 'SIGKILL');
    } catch {
      // already gone: what the test wants
    }
  }
  await d?.close();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('workers under a supervisor', () => {
  it('stop when the supervising process is killed with SIGKILL', async () => {
    const script = path.join(repoRoot, 'out', 'workers', 'order-processor.mjs');
    // The parent forks the worker as the headless supervisor does (IPC channel) and prints its pid when ready.
    const parentCode = `
      const { fork } = require('node:child_process');
      const child = fork(${JSON.stringify(script)}, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      child.on('message', (m) => { if (m && m.type === 'ready') process.stdout.write('READY ' + child.pid + '\\n'); });
      setInterval(() => {}, 1000);`;
    parent = spawn(process.execPath, ['-e', parentCode], {
      env: workerEnv(d.config),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    workerPid = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('worker not ready within 90 s')), 90_000);
      parent!.stdout!.on('data', (chunk: Buffer) => {
        const m = /READY (\d+)/.exec(String(chunk));
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    expect(alive(workerPid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor('the orphaned worker to exit', async () => (alive(workerPid) ? null : true), 30_000);
    expect(alive(workerPid)).toBe(false);
  });
});
