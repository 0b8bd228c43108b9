/**
 * Times in list screens, in each row's site zone with the zone named: when every row on the page
 * shares one zone (the usual case: one site), the column header names it once (`ETA · Sao Paulo`,
 * the IANA name as tooltip); when rows have different zones, each cell names its own. Rows
 * without a known site (a shipment whose order was never seen) are shown in the configured site
 * time zone (settings), named so.
 */
import type { ReactNode } from 'react';
import { EMPTY, formatInstantInZone, zoneName } from '../lib/format';
import { useSiteTimeZone } from '../query/settings';

/** The zone a row's times are shown in: its site's zone, else the configured site zone. */
export function rowZone(siteTimeZone: string | null | undefined, configuredZone: string): string {
  return siteTimeZone ?? configuredZone;
}

/**
 * The zone every row shares, or null when they differ (then cells name their zone).
 * @param zones each row's site zone (null: unknown site, shown in `configuredZone`); an empty page -> null
 * @param configuredZone the configured site time zone ({@link useSiteTimeZone})
 */
export function sharedZone(
  zones: readonly (string | null | undefined)[],
  configuredZone: string,
): string | null {
  const set = new Set(zones.map((z) => rowZone(z, configuredZone)));
  return set.size === 1 ? [...set][0]! : null;
}

/** A column header's zone suffix: ` · Sao Paulo` for one shared zone, ` · site time` when mixed. */
export function ZoneHeading({ label, zone }: { label: string; zone: string | null }): ReactNode {
  return (
    <span title={zone ? `Times in ${zone}` : "Times in each row's site zone"}>
      {label}
      <span className="zone-heading" data-testid="zone-heading">
        {' '}
        · {zone ? zoneName(zone) : 'site time'}
      </span>
    </span>
  );
}

/**
 * An instant on a row's site wall clock (`YYYY-MM-DD HH:mm`), with the zone's short name after
 * it when the page's rows do not share one zone (`named`).
 */
export function SiteInstant(props: {
  value: string | null | undefined;
  /** The row's site zone (null: the configured site zone). */
  zone: string | null | undefined;
  /** Name the zone in the cell (rows with different zones). */
  named: boolean;
  seconds?: boolean;
}): ReactNode {
  return <ZonedInstant {...props} configuredZone={useSiteTimeZone()} />;
}

/**
 * {@link SiteInstant} with the configured site zone given by the caller (no hook): for tables that
 * render many cells per frame while scrolling and read the zone once for all of them.
 */
export function ZonedInstant({
  value,
  zone,
  named,
  seconds = false,
  configuredZone,
  cell,
}: {
  value: string | null | undefined;
  /** The row's site zone (null: `configuredZone`). */
  zone: string | null | undefined;
  named: boolean;
  seconds?: boolean;
  /** The configured site time zone ({@link useSiteTimeZone}). */
  configuredZone: string;
  /**
   * The instant is itself a table cell (`role="cell"`) of this class, instead of an element inside
   * one: one element less per time in a virtualized row.
   */
  cell?: string;
}): ReactNode {
  const role = cell ? 'cell' : undefined;
  if (!value)
    return (
      <span role={role} className={cell ? `${cell} muted` : 'muted'}>
        {EMPTY}
      </span>
    );
  const z = rowZone(zone, configuredZone);
  return (
    <time
      role={role}
      className={cell ? `${cell} num` : 'num'}
      dateTime={value}
      title={`${value} (shown in ${z})`}
    >
      {formatInstantInZone(value, z, seconds)}
      {named && <span className="muted small zone-tag"> {zoneName(z)}</span>}
    </time>
  );
}

/** One line naming the zone of a page's times (`times in Sao Paulo time (America/Sao_Paulo)`). */
export function ZoneNote({ zone }: { zone: string | null }): ReactNode {
  return (
    <span className="muted small" data-testid="zone-note">
      {zone
        ? `times in ${zoneName(zone)} time (${zone})`
        : "times in each row's site zone (named in the cell)"}
    </span>
  );
}
