/**
 * The one table from AfterShip's checkpoint tags and subtags to the normalized shipment statuses
 * of DESIGN.md (contracts/shipment-status.ts).
 *
 * Source: AfterShip Tracking API, "Delivery Statuses" (the tag enum: Pending, InfoReceived,
 * InTransit, OutForDelivery, AttemptFail, Delivered, AvailableForPickup, Exception, Expired) and
 * "Delivery Sub-statuses" (subtag codes `<Tag>_NNN`), aftership.com/docs/tracking/enum/
 * delivery-statuses and .../delivery-sub-statuses. The subtag list there is the authority for
 * {@link KNOWN_SUBTAGS}; a subtag not listed is reported, not guessed.
 *
 * Rules:
 * - The tag decides the status; a subtag refines it only where the tag alone would say the wrong
 *   thing: `Exception_011` ("Returned to sender": the return reached the sender) is `returned`.
 *   `Exception_010` ("Returning to sender", still on its way back) stays an `exception`.
 * - An unknown tag, or a subtag that does not belong to its tag, cannot be mapped: the caller
 *   raises an alert (never a silent `in_transit`).
 * - A known tag with a subtag missing from {@link KNOWN_SUBTAGS} maps by its tag and is still
 *   reported as an alert, so the table gets extended instead of drifting.
 */
import type { ShipmentStatus } from '../../contracts';

/** AfterShip's tag enum and the normalized status each one means. */
export const AFTERSHIP_TAG_STATUS: Readonly<Record<string, ShipmentStatus>> = {
  Pending: 'pending',
  InfoReceived: 'info_received',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  AttemptFail: 'failed_attempt',
  AvailableForPickup: 'available_for_pickup',
  Exception: 'exception',
  Delivered: 'delivered',
  Expired: 'expired',
};

/** Subtags whose status differs from their tag's. */
export const AFTERSHIP_SUBTAG_STATUS: Readonly<Record<string, ShipmentStatus>> = {
  Exception_011: 'returned',
};

/** Subtag codes listed in AfterShip's "Delivery Sub-statuses" page, by tag. */
export const KNOWN_SUBTAGS: Readonly<Record<string, readonly number[]>> = {
  Pending: [1, 2, 3, 4, 5, 6],
  InfoReceived: [1],
  InTransit: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  OutForDelivery: [1, 3, 4],
  AttemptFail: [1, 2, 3],
  AvailableForPickup: [1],
  Exception: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  Delivered: [1, 2, 3, 4],
  Expired: [1],
};

/** The outcome of mapping one tag/subtag pair. */
export type StatusMapping =
  | { kind: 'mapped'; status: ShipmentStatus; code: string }
  /** Mapped by its tag, but the subtag is not in the table: report it. */
  | { kind: 'unknown_subtag'; status: ShipmentStatus; code: string; reason: string }
  /** No status can be given: report it, never default. */
  | { kind: 'unmapped'; code: string; reason: string };

/**
 * Maps an AfterShip tag and optional subtag.
 * @param tag e.g. `InTransit` (case-sensitive, as AfterShip spells it)
 * @param subtag e.g. `Exception_011`, or null/empty when the response has none (v3 responses)
 * @returns the status and the carrier code to keep on the event (`subtag` when given, else `tag`),
 *   or why it cannot be mapped
 */
export function mapAfterShipStatus(tag: string, subtag?: string | null): StatusMapping {
  const code = subtag ? subtag : tag;
  const tagStatus = Object.hasOwn(AFTERSHIP_TAG_STATUS, tag) ? AFTERSHIP_TAG_STATUS[tag] : undefined;
  if (tagStatus === undefined)
    return { kind: 'unmapped', code, reason: `unknown AfterShip tag ${JSON.stringify(tag)}` };
  if (!subtag) return { kind: 'mapped', status: tagStatus, code };
  const match = /^([A-Za-z]+)_(\d{3})$/.exec(subtag);
  if (!match || match[1] !== tag)
    return {
      kind: 'unmapped',
      code,
      reason: `subtag ${JSON.stringify(subtag)} does not belong to tag ${JSON.stringify(tag)}`,
    };
  const status = Object.hasOwn(AFTERSHIP_SUBTAG_STATUS, subtag)
    ? AFTERSHIP_SUBTAG_STATUS[subtag]!
    : tagStatus;
  if (!KNOWN_SUBTAGS[tag]!.includes(Number(match[2])))
    return {
      kind: 'unknown_subtag',
      status,
      code,
      reason: `subtag ${JSON.stringify(subtag)} is not in AfterShip's sub-status list; mapped by its tag`,
    };
  return { kind: 'mapped', status, code };
}
