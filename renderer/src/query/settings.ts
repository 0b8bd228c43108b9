/**
 * The connection gate's start-up query and the settings screen's server state: the effective
 * settings (`GET /api/settings`), *Test connection* (`POST /api/settings/test`, a mutation: it
 * runs on demand with its own pending and error state) and *Save* (`POST /api/settings`; the core
 * then restarts its connections, which the connection gate shows).
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectionTestResult, EditableSettings, SettingsSaved } from '../../../contracts/settings';
import { apiCall } from '../api/http';
import { queryKeys, queryScopes } from './keys';

/** The start-up state; the gate sets the poll period (every second while waiting). */
export function startupQuery(pollMs: number) {
  return queryOptions({
    queryKey: queryKeys.startup(),
    queryFn: ({ signal }) => apiCall('GET /api/startup/detail', { signal }),
    refetchInterval: pollMs,
    refetchIntervalInBackground: true,
    retry: false,
  });
}

/** The effective settings with their sources (passwords masked): `GET /api/settings`. */
function settingsQuery() {
  return queryOptions({
    queryKey: queryKeys.settings(),
    queryFn: ({ signal }) => apiCall('GET /api/settings', { signal }),
  });
}

/** The effective settings with their sources (passwords masked). */
export function useSettings() {
  return useQuery(settingsQuery());
}

/** The browser's own IANA zone: the fallback before the settings have loaded. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The configured site time zone (settings `siteTimeZone`, `SCT_SITE_TZ`): the zone of times that
 * carry no site of their own (a shipment whose order was never seen) and the zone a new order is
 * prefilled with. The browser's zone until the settings answer.
 */
export function useSiteTimeZone(): string {
  return useQuery(siteTimeZoneQuery()).data ?? browserTimeZone();
}

/**
 * The settings query as the zone's readers observe it: only `siteTimeZone` (a reader re-renders
 * when the zone changes, not when another setting does), and no refetch when a reader mounts while
 * the settings are cached. Every time cell of a list reads the zone, so with the default
 * (refetch a stale query on each mount) scrolling a list re-asked `GET /api/settings` for every row
 * coming into view. The settings still refresh on a save (set from its answer) and on a resync
 * (invalidated and refetched with everything shown).
 */
export function siteTimeZoneQuery() {
  return queryOptions({
    ...settingsQuery(),
    select: (settings) => settings.values.siteTimeZone,
    refetchOnMount: false,
  });
}

/** Probes Kafka, PostgreSQL and Redis with the form's settings (nothing saved). */
export function useTestConnection() {
  return useMutation<ConnectionTestResult, Error, EditableSettings>({
    mutationFn: (body) => apiCall('POST /api/settings/test', { body }),
  });
}

/** Saves the settings; the start-up state is refetched at once (the core is restarting). */
export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation<SettingsSaved, Error, EditableSettings>({
    mutationFn: (body) => apiCall('POST /api/settings', { body }),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.settings(), saved.settings);
      void client.invalidateQueries({ queryKey: queryScopes.startup });
    },
  });
}
