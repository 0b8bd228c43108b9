import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from './keys';
import { siteTimeZoneQuery } from './settings';

describe('the site time zone readers', () => {
  it('a reader mounting while the settings are cached reads them without asking the API again', async () => {
    const client = new QueryClient();
    // Cached and stale (the default staleTime is 0), as after the console's first settings answer.
    client.setQueryData(queryKeys.settings(), { values: { siteTimeZone: 'America/Sao_Paulo' } });
    let fetches = 0;
    const options = {
      ...siteTimeZoneQuery(),
      queryFn: () => {
        fetches += 1;
        return Promise.resolve({ values: { siteTimeZone: 'UTC' } } as never);
      },
    };
    // A list's time cells: one reader each, mounting as rows scroll into view.
    const readers = Array.from({ length: 30 }, () => new QueryObserver(client, options));
    const stops = readers.map((r) => r.subscribe(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fetches).toBe(0);
    expect(readers.map((r) => r.getCurrentResult().data)).toEqual(readers.map(() => 'America/Sao_Paulo'));
    stops.forEach((stop) => stop());
  });

  it('reads the settings when nothing is cached, and again once they are invalidated (a resync)', async () => {
    const client = new QueryClient();
    let fetches = 0;
    const options = {
      ...siteTimeZoneQuery(),
      queryFn: () => {
        fetches += 1;
        return Promise.resolve({ values: { siteTimeZone: fetches === 1 ? 'UTC' : 'Europe/Paris' } } as never);
      },
    };
    const reader = new QueryObserver(client, options);
    const stop = reader.subscribe(() => undefined);
    await client.getQueryCache().find({ queryKey: queryKeys.settings() })?.promise;
    expect(fetches).toBe(1);
    expect(reader.getCurrentResult().data).toBe('UTC');
    await client.invalidateQueries({ queryKey: queryKeys.settings() });
    expect(fetches).toBe(2);
    expect(reader.getCurrentResult().data).toBe('Europe/Paris');
    stop();
  });
});
