/**
 * Small display atoms used on every screen: status chips, the DRILL badge, monospaced ids and
 * instants (local time, with the UTC instant in the tooltip).
 */
import type { ReactNode } from 'react';
import { EXCEPTION_SHIPMENT_STATUSES, type ShipmentStatus } from '../../../contracts/shipment-status';
import { EMPTY, formatInstant, formatInstantInZone, statusLabel } from '../lib/format';

/** Colour family of a status chip. */
export type ChipTone = 'neutral' | 'info' | 'progress' | 'ok' | 'warn' | 'muted' | 'danger';

const ORDER_TONES: Record<string, ChipTone> = {
  created: 'neutral',
  approved: 'info',
  picked: 'info',
  packed: 'info',
  shipped: 'progress',
  delivered: 'ok',
  cancelled: 'muted',
};

const SHIPMENT_TONES: Record<ShipmentStatus, ChipTone> = {
  pending: 'neutral',
  info_received: 'neutral',
  in_transit: 'progress',
  out_for_delivery: 'progress',
  failed_attempt: 'warn',
  available_for_pickup: 'info',
  exception: 'warn',
  delivered: 'ok',
  returned: 'danger',
  expired: 'muted',
};

/** Tone of a shipment status: exception and failed_attempt warn, delivered is green. */
export function shipmentTone(status: ShipmentStatus): ChipTone {
  return EXCEPTION_SHIPMENT_STATUSES.includes(status) ? 'warn' : SHIPMENT_TONES[status];
}

/** A status chip (`delivered` green, `exception` amber ...). `kind` picks the order or shipment palette. */
export function StatusChip({ status, kind }: { status: string; kind: 'order' | 'shipment' }): ReactNode {
  const tone =
    kind === 'order'
      ? (ORDER_TONES[status] ?? 'neutral')
      : (SHIPMENT_TONES[status as ShipmentStatus] ?? 'neutral');
  return (
    <span className={`chip chip--${tone}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

/** The DRILL badge marking drill traffic; the drill id (if known) is in the tooltip and data attribute. */
export function DrillBadge({ drillId }: { drillId: string | null | undefined }): ReactNode {
  return (
    <span
      className="badge-drill"
      data-testid="drill-badge"
      data-drill-id={drillId ?? ''}
      title={drillId ? `Drill ${drillId}` : 'Drill traffic'}
    >
      DRILL
    </span>
  );
}

/** An entity id or other machine value in the monospaced face; `—` when missing. */
export function Mono({
  children,
  title,
}: {
  children: string | null | undefined;
  title?: string;
}): ReactNode {
  return (
    <span className="mono" title={title ?? children ?? undefined}>
      {children ?? EMPTY}
    </span>
  );
}

/**
 * An instant as `YYYY-MM-DD HH:mm:ss`: in the site's time zone when `timeZone` is given (the
 * screen names the zone once), else in local time; the RFC 3339 value and the zone as tooltip.
 */
export function Instant({
  value,
  seconds = true,
  timeZone,
}: {
  value: string | null | undefined;
  seconds?: boolean;
  timeZone?: string | null;
}): ReactNode {
  if (!value) return <span className="muted">{EMPTY}</span>;
  return (
    <time className="num" dateTime={value} title={timeZone ? `${value} (shown in ${timeZone})` : value}>
      {timeZone ? formatInstantInZone(value, timeZone, seconds) : formatInstant(value, seconds)}
    </time>
  );
}
