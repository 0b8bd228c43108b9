/**
 * `--profile` support in the bench process: ending a profile segment in every profiled pipeline
 * process (see profile-preload.cjs) and a CPU profile of the bench process itself (the replay
 * runs its projections in here).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { cmdlineOf } from './procstat';

/**
 * Ends a profile segment named `label` in every live profiled process among `pids`: writes the
 * label to `<profilesDir>/segment.txt`, sends SIGUSR2, and waits 1 s for the profiles to be
 * written when any process was signalled.
 */
export async function markProfiles(
  profilesDir: string,
  pids: Iterable<number>,
  label: string,
): Promise<void> {
  mkdirSync(profilesDir, { recursive: true });
  writeFileSync(path.join(profilesDir, 'segment.txt'), label);
  let signalled = 0;
  for (const pid of pids) {
    // Only our live, profiled processes (a pid of an exited one may belong to someone else now).
    if (!isProfiledPipelineProcess(pid)) continue;
    try {
      process.kill(pid, 'SIGUSR2');
      signalled += 1;
    } catch {
      // gone
    }
  }
  if (signalled > 0) await new Promise((r) => setTimeout(r, 1_000));
}

/** True for a live main-process or worker process started with the profiling preload. */
function isProfiledPipelineProcess(pid: number): boolean {
  try {
    return (
      /out\/(workers\/[a-z-]+|headless\/serve)\.mjs/.test(cmdlineOf(pid)) &&
      readFileSync(`/proc/${pid}/environ`, 'utf8').includes('SCT_BENCH_PROFILE_DIR=')
    );
  } catch {
    return false;
  }
}

/**
 * Starts a CPU profile of this process (1 ms sampling).
 * @returns a function that stops it and writes the profile to `file` (nothing on a profiler error)
 */
export function startInProcessProfile(): (file: string) => Promise<void> {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  return (file) =>
    new Promise((resolve) => {
      session.post('Profiler.stop', (err, result) => {
        if (!err) {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, JSON.stringify(result.profile));
        }
        session.disconnect();
        resolve();
      });
    });
}
