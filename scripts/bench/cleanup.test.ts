import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup';

describe('Cleanup', () => {
  it('a second run (the main flow after a signal handler) waits for the removal in progress', async () => {
    // It used to return at once, so the interrupted benchmark exited while the signal handler was
    // still removing, leaving databases, consumer groups and Redis keys behind.
    const cleanup = new Cleanup();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanup.processes.add(child);
    const first = cleanup.run(1_000);
    const second = cleanup.run(1_000);
    expect(second).toBe(first);
    expect(await second).toEqual([]);
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
  });
});
