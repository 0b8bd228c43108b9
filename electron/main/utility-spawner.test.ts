/** The desktop worker spawner with `electron` mocked: the signal it is given reaches the process. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const children: {
  pid: number | undefined;
  kill: ReturnType<typeof vi.fn>;
  once: ReturnType<typeof vi.fn>;
}[] = [];
const fork = vi.fn(() => {
  const child = { pid: 4242 as number | undefined, kill: vi.fn(() => true), once: vi.fn() };
  children.push(child);
  return child;
});
vi.mock('electron', () => ({ utilityProcess: { fork } }));

const { createUtilitySpawner } = await import('./utility-spawner');

describe('utility process spawner', () => {
  beforeEach(() => {
    children.length = 0;
    fork.mockClear();
  });

  it('stops a worker gracefully with SIGTERM through UtilityProcess.kill()', () => {
    const send = vi.fn();
    const proc = createUtilitySpawner(send)('order-processor', '/w/order-processor.mjs', {});
    proc.kill();
    proc.kill('SIGTERM');
    expect(children[0]!.kill).toHaveBeenCalledTimes(2);
    expect(send).not.toHaveBeenCalled();
  });

  it('force-kills a stuck worker: SIGKILL reaches the process id', () => {
    const send = vi.fn();
    const proc = createUtilitySpawner(send)('order-processor', '/w/order-processor.mjs', {});
    proc.kill('SIGKILL');
    expect(send).toHaveBeenCalledWith(4242, 'SIGKILL');
    expect(children[0]!.kill).not.toHaveBeenCalled();
  });

  it('passes any other signal as given', () => {
    const send = vi.fn();
    createUtilitySpawner(send)('shipment-tracker', '/w/s.mjs', {}).kill('SIGSTOP');
    expect(send).toHaveBeenCalledWith(4242, 'SIGSTOP');
  });

  it('ignores a process that already exited, and reports other failures', () => {
    const gone = vi.fn(() => {
      throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    });
    const proc = createUtilitySpawner(gone)('order-processor', '/w/o.mjs', {});
    expect(() => proc.kill('SIGKILL')).not.toThrow();
    const denied = vi.fn(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    expect(() => createUtilitySpawner(denied)('order-processor', '/w/o.mjs', {}).kill('SIGKILL')).toThrow(
      /EPERM/,
    );
  });

  it('asks an exited-before-start child (no pid) to stop without signalling a pid', () => {
    const send = vi.fn();
    const proc = createUtilitySpawner(send)('order-processor', '/w/o.mjs', {});
    children[0]!.pid = undefined;
    proc.kill('SIGKILL');
    expect(send).not.toHaveBeenCalled();
    expect(children[0]!.kill).toHaveBeenCalledTimes(1);
  });

  it('reports the exit code to the supervisor', () => {
    const proc = createUtilitySpawner(vi.fn())('order-processor', '/w/o.mjs', {});
    const listener = vi.fn();
    proc.onExit(listener);
    const [event, handler] = children[0]!.once.mock.calls[0] as [string, (code: number) => void];
    expect(event).toBe('exit');
    handler(137);
    expect(listener).toHaveBeenCalledWith(137);
  });
});
