/**
 * Desktop alerts for NEW shipment exceptions, from the core's live change notifications
 * (ChangeNotification, relayed from Redis): when the shipment-tracker reports changed shipments,
 * the ones now in an open exception (EXCEPTION_SHIPMENT_STATUSES: `exception`, `failed_attempt`)
 * that were not in that same exception before are announced once, in one alert per batch.
 *
 * "Before" is what this watcher has seen: {@link ExceptionAlerts.prime} records the exceptions
 * open when it starts (and again after a truncated notification, when the changed ids are
 * unknown), so opening the app or a cache rebuild never floods the desktop with old exceptions.
 * A shipment's exception is identified by its status and status time: the same shipment failing
 * again later is a new exception. Drill shipments (fault drills) never alert.
 */
import { EXCEPTION_SHIPMENT_STATUSES, type ChangeNotification } from '../contracts';
import type { Pool } from '../runtime/db';

/** One open exception as the watcher reads it. */
export interface OpenException {
  shipmentId: string;
  status: string;
  /** The carrier's reason (`exception`) or `failed_attempt`; null when the event named none. */
  reason: string | null;
  /** When the shipment entered this status (event time, ISO 8601 UTC); null when unknown. */
  since: string | null;
}

/** Where the watcher reads open exceptions (the PostgreSQL read model; tests may pass their own). */
export interface OpenExceptionSource {
  /** Every open exception (ids and status times only matter). */
  all(): Promise<OpenException[]>;
  /** The open exceptions among these shipments. */
  among(shipmentIds: readonly string[]): Promise<OpenException[]>;
}

/** What one alert says (an OS notification's title and body). */
export interface ExceptionAlert {
  title: string;
  body: string;
  shipmentIds: string[];
}

const OPEN = `status = ANY($1::text[]) AND NOT is_drill`;
const COLUMNS = `shipment_id AS "shipmentId", status,
  CASE WHEN status = 'failed_attempt' THEN 'failed_attempt' ELSE exception_reason END AS reason,
  to_char(status_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`;

/**
 * {@link OpenExceptionSource} over the `shipments` read model (parameterized SQL, two statements).
 * `pool` gives the core's current pool: a settings change replaces it.
 */
export function pgOpenExceptions(pool: () => Pool): OpenExceptionSource {
  const statuses = [...EXCEPTION_SHIPMENT_STATUSES];
  return {
    all: async () =>
      (await pool().query<OpenException>(`SELECT ${COLUMNS} FROM shipments WHERE ${OPEN}`, [statuses])).rows,
    among: async (ids) =>
      (
        await pool().query<OpenException>(
          `SELECT ${COLUMNS} FROM shipments WHERE ${OPEN} AND shipment_id = ANY($2::text[]) ORDER BY shipment_id`,
          [statuses, [...ids]],
        )
      ).rows,
  };
}

const keyOf = (e: OpenException): string => `${e.status}|${e.since ?? ''}`;

/** The alert for these new exceptions: one names the shipment and reason, more are counted. */
export function alertFor(fresh: readonly OpenException[]): ExceptionAlert {
  const reason = (e: OpenException) => (e.reason ?? e.status).replace(/_/g, ' ');
  if (fresh.length === 1) {
    const e = fresh[0]!;
    return {
      title: 'New shipment exception',
      body: `Shipment ${e.shipmentId}: ${reason(e)}`,
      shipmentIds: [e.shipmentId],
    };
  }
  const shown = fresh.slice(0, 3).map((e) => `${e.shipmentId} (${reason(e)})`);
  const more = fresh.length > 3 ? `, and ${fresh.length - 3} more` : '';
  return {
    title: `${fresh.length} new shipment exceptions`,
    body: `${shown.join(', ')}${more}`,
    shipmentIds: fresh.map((e) => e.shipmentId),
  };
}

/** Watches change notifications and raises an alert per batch of new exceptions. */
export class ExceptionAlerts {
  /** shipment id -> the key (status and status time) of its open exception already seen. */
  private readonly seen = new Map<string, string>();
  /** Notifications are handled one after the other, in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  /**
   * @param alert called once per batch with new exceptions (e.g. shows an OS notification)
   * @param onError called when reading the read model fails (the watcher keeps going)
   */
  constructor(
    private readonly source: OpenExceptionSource,
    private readonly alert: (alert: ExceptionAlert) => void,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Records the exceptions open now as already seen (call before the first notification). */
  prime(): Promise<void> {
    return this.enqueue(async () => {
      this.seen.clear();
      for (const e of await this.source.all()) this.seen.set(e.shipmentId, keyOf(e));
    });
  }

  /** Handles one change notification (only the shipment-tracker's name shipments). */
  onChange(n: ChangeNotification): Promise<void> {
    if (n.source !== 'shipment-tracker') return this.queue;
    if (n.truncated) return this.prime();
    if (n.shipmentIds.length === 0) return this.queue;
    const ids = [...new Set(n.shipmentIds)];
    return this.enqueue(async () => {
      const open = await this.source.among(ids);
      const openIds = new Set(open.map((e) => e.shipmentId));
      // A shipment out of its exception forgets it: failing again later is news.
      for (const id of ids) if (!openIds.has(id)) this.seen.delete(id);
      const fresh = open.filter((e) => this.seen.get(e.shipmentId) !== keyOf(e));
      for (const e of fresh) this.seen.set(e.shipmentId, keyOf(e));
      if (fresh.length > 0) this.alert(alertFor(fresh));
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((err: unknown) => this.onError(err));
    return this.queue;
  }
}
