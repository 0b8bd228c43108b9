/**
 * Drill server state (contracts/drills.ts, contracts/drill-purge.ts): the scenario library, the
 * runs (the active ones polled every {@link DRILL_POLL_MS} ms for their progress, since the
 * runner's progress is not pushed on the live stream), a run's report, the purge preview, and the
 * mutations that start, pause, resume, stop, annotate and purge. Each mutation refreshes the
 * drill queries and the audit log, which records it.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DrillPurgeResult } from '../../../contracts/drill-purge';
import type {
  DrillPreview,
  DrillPreviewRequest,
  DrillRun,
  DrillStartRequest,
} from '../../../contracts/drills';
import { apiCall } from '../api/http';
import { queryKeys, queryScopes } from './keys';

/** How often the active runs and an open run are fetched again (ms). */
export const DRILL_POLL_MS = 1_000;

/** Final run states (no more progress to poll). */
const FINAL = new Set(['completed', 'stopped', 'halted', 'failed']);

/** True while a run can still change (running, paused, interrupted). */
export function isActiveRun(run: Pick<DrillRun, 'state'>): boolean {
  return !FINAL.has(run.state);
}

/**
 * True once a run will not change any more: final, and its checks evaluated (a run is final a
 * moment before its checks are; a failed run gets none). Polling stops then.
 */
export function isSettledRun(run: Pick<DrillRun, 'state' | 'checks'>): boolean {
  return !isActiveRun(run) && (run.checks !== null || run.state === 'failed');
}

/** The scenario library. */
export function useScenarios() {
  return useQuery({
    queryKey: queryKeys.drillScenarios(),
    queryFn: ({ signal }) => apiCall('GET /api/drills/scenarios', { signal }),
    staleTime: 60_000,
  });
}

/** Runs that are running, paused or interrupted (the banner's), polled every second. */
export function useActiveRuns(enabled = true) {
  return useQuery({
    enabled,
    queryKey: queryKeys.drillRuns('active'),
    queryFn: ({ signal }) =>
      apiCall('GET /api/drills/runs', { query: { state: 'active', pageSize: 20 }, signal }),
    refetchInterval: DRILL_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** The latest runs, newest first (the Drills screen's history). */
export function useRecentRuns() {
  return useQuery({
    queryKey: queryKeys.drillRuns('recent'),
    queryFn: ({ signal }) => apiCall('GET /api/drills/runs', { query: { pageSize: 20 }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
}

/** One run, polled every second until it is settled (final, checks evaluated). */
export function useDrillRun(id: string | null) {
  return useQuery({
    enabled: id !== null,
    queryKey: queryKeys.drillRun(id ?? ''),
    queryFn: ({ signal }) => apiCall('GET /api/drills/runs/:id', { params: { id: id ?? '' }, signal }),
    refetchInterval: (q) => (q.state.data && isSettledRun(q.state.data) ? false : DRILL_POLL_MS),
  });
}

/** A run's report (refreshed every second until the run is settled). */
export function useDrillReport(id: string) {
  return useQuery({
    queryKey: queryKeys.drillReport(id),
    queryFn: ({ signal }) => apiCall('GET /api/drills/runs/:id/report', { params: { id }, signal }),
    refetchInterval: (q) => (q.state.data && isSettledRun(q.state.data.run) ? false : DRILL_POLL_MS),
  });
}

/** What purging a drill would remove (`enabled` once the operator asks to purge). */
export function useDrillPurgePreview(drillId: string, enabled: boolean) {
  return useQuery({
    enabled,
    queryKey: queryKeys.drillPurgePreview(drillId),
    queryFn: ({ signal }) => apiCall('GET /api/drills/:drillId/purge', { params: { drillId }, signal }),
  });
}

/** The preview of a scenario with parameters (nothing is sent). */
export function useDrillPreview() {
  return useMutation<DrillPreview, Error, DrillPreviewRequest>({
    mutationFn: (body) => apiCall('POST /api/drills/preview', { body }),
  });
}

function useRefreshDrills(): () => void {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: queryScopes.drills });
    void client.invalidateQueries({ queryKey: queryScopes.audit });
  };
}

/** Starts a run. */
export function useStartDrill() {
  const refresh = useRefreshDrills();
  return useMutation<DrillRun, Error, DrillStartRequest>({
    mutationFn: (body) => apiCall('POST /api/drills/runs', { body }),
    onSettled: refresh,
  });
}

/** What the run controls send. */
export type DrillControl = 'pause' | 'resume' | 'stop';

/** Pauses, resumes or stops a run. */
export function useDrillControl() {
  const refresh = useRefreshDrills();
  const client = useQueryClient();
  return useMutation<DrillRun, Error, { id: string; action: DrillControl }>({
    mutationFn: ({ id, action }) => {
      const options = { params: { id }, body: {} };
      if (action === 'pause') return apiCall('POST /api/drills/runs/:id/pause', options);
      if (action === 'resume') return apiCall('POST /api/drills/runs/:id/resume', options);
      return apiCall('POST /api/drills/runs/:id/stop', options);
    },
    onSuccess: (run) => client.setQueryData(queryKeys.drillRun(run.id), run),
    onSettled: refresh,
  });
}

/** Saves the operator's notes of a run. */
export function useDrillNote() {
  const refresh = useRefreshDrills();
  return useMutation<DrillRun, Error, { id: string; note: string }>({
    mutationFn: ({ id, note }) =>
      apiCall('POST /api/drills/runs/:id/note', { params: { id }, body: { note } }),
    onSettled: refresh,
  });
}

/** Purges a drill as a whole (a control event on Kafka; the workers remove its rows). */
export function usePurgeDrill() {
  const refresh = useRefreshDrills();
  return useMutation<DrillPurgeResult, Error, { drillId: string; reason: string }>({
    mutationFn: ({ drillId, reason }) =>
      apiCall('POST /api/drills/:drillId/purge', {
        params: { drillId },
        body: reason.trim() ? { reason: reason.trim() } : {},
      }),
    onSettled: refresh,
  });
}
