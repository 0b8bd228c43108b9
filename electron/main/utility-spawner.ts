/**
 * The desktop's worker {@link Spawner}: each worker runs as an Electron `utilityProcess`.
 * Kept apart from index.ts so it is unit tested with `electron` mocked.
 */
import { utilityProcess } from 'electron';
import { workerExecArgv, type Spawner } from '../../server/supervisor';

/** Sends `signal` to a process id (Node's `process.kill`; injected by tests). */
export type SignalSender = (pid: number, signal: NodeJS.Signals) => void;

/**
 * Builds the spawner. `kill(signal)` passes the signal it is given: `SIGTERM` (the default) goes
 * through `UtilityProcess.kill()` (graceful: the worker drains and commits its offsets), any other
 * signal (the supervisor's `SIGKILL` for a worker that did not stop in time) is sent to the
 * process id, because `UtilityProcess.kill()` takes no signal and would only ask again politely.
 * A process that already exited (no pid) is left alone.
 */
export function createUtilitySpawner(
  sendSignal: SignalSender = (pid, signal) => process.kill(pid, signal),
): Spawner {
  return (name, script, env) => {
    const child = utilityProcess.fork(script, [], {
      env,
      execArgv: workerExecArgv(env),
      serviceName: name,
      stdio: 'inherit',
    });
    return {
      get pid() {
        return child.pid ?? null;
      },
      kill: (signal = 'SIGTERM') => {
        const pid = child.pid;
        if (signal === 'SIGTERM' || pid === undefined) {
          child.kill();
          return;
        }
        try {
          sendSignal(pid, signal);
        } catch (err) {
          // ESRCH: it exited between the check and the signal; nothing left to stop.
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        }
      },
      onExit: (listener) => void child.once('exit', (code) => listener(code)),
    };
  };
}
