/**
 * Display helpers of the dead-letters screen: keys, readable reasons, payload previews and
 * re-drive summaries. Pure functions (no DOM), unit-tested in Node.
 */
import type {
  DeadLetterKey,
  DeadLetterRedriveOutcome,
  DeadLetterRedriveResult,
} from '../../../contracts/api';

/** A dead letter's identity as one string (`topic/partition/offset`): selection and React keys. */
export function deadLetterId(key: DeadLetterKey): string {
  return `${key.sourceTopic}/${key.sourcePartition}/${key.sourceOffset}`;
}

/** Just the key fields of a dead letter (what the re-drive request sends). */
export function toKey(key: DeadLetterKey): DeadLetterKey {
  return {
    sourceTopic: key.sourceTopic,
    sourcePartition: key.sourcePartition,
    sourceOffset: key.sourceOffset,
  };
}

/** A consumer group without the deployment prefix: `sct.order-processor` -> `order-processor`. */
export function groupLabel(group: string): string {
  const i = group.lastIndexOf('.');
  return i === -1 ? group : group.slice(i + 1);
}

/**
 * A worker's dead-letter reason split for reading: the headline (what failed) and one line per
 * detail. `schema validation failed: a: too_small (..); time: format (..)` gives the headline
 * `schema validation failed` and two details.
 */
export function readableReason(error: string): { headline: string; details: string[] } {
  const text = error.trim();
  const i = text.indexOf(': ');
  if (i === -1) return { headline: text, details: [] };
  const details = text
    .slice(i + 2)
    .split(/;\s+(?=[^\s;:]+: )/)
    .map((d) => d.trim())
    .filter((d) => d !== '');
  return { headline: text.slice(0, i), details };
}

/** A one-line preview of a payload: whitespace collapsed, cut at `max` characters with `…`. */
export function payloadPreview(payload: string, max = 96): string {
  const line = payload.replace(/\s+/g, ' ').trim();
  if (line === '') return '(empty)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The payload for reading: indented JSON when it parses, else the text as it is. */
export function prettyPayload(payload: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(payload), null, 2), json: true };
  } catch {
    return { text: payload, json: false };
  }
}

/** One line per key outcome, for the results panel. */
export function outcomeText(o: DeadLetterRedriveOutcome): string {
  switch (o.outcome) {
    case 'redriven':
      return o.placed
        ? `re-driven: published to ${o.placed.topic} partition ${o.placed.partition} offset ${o.placed.offset}`
        : o.message;
    case 'rejected':
      return o.issues && o.issues.length > 0
        ? `not re-driven, payload still invalid: ${o.issues.map((i) => `${i.field} ${i.rule}`).join(', ')}`
        : `not re-driven: ${o.message}`;
    case 'refused':
      return `not re-driven: ${o.message}`;
    case 'not_found':
      return 'not found (no such dead letter)';
  }
}

/** The headline of a re-drive answer: `2 re-driven, 1 still invalid, 1 not found`. */
export function redriveSummary(
  result: Pick<DeadLetterRedriveResult, 'redriven' | 'rejected' | 'notFound'> &
    Partial<Pick<DeadLetterRedriveResult, 'refused'>>,
): string {
  const parts = [`${result.redriven} re-driven`];
  if (result.rejected > 0) parts.push(`${result.rejected} still invalid`);
  if ((result.refused ?? 0) > 0) parts.push(`${result.refused} refused by drill isolation`);
  if (result.notFound > 0) parts.push(`${result.notFound} not found`);
  return parts.join(', ');
}

/** Toggles one id in a selection (a new Set: React state stays immutable). */
export function toggleId(selection: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selection);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Selects every id of a page, or clears them all when every one is already selected. */
export function toggleAll(selection: ReadonlySet<string>, pageIds: readonly string[]): Set<string> {
  const next = new Set(selection);
  const all = pageIds.length > 0 && pageIds.every((id) => next.has(id));
  for (const id of pageIds) {
    if (all) next.delete(id);
    else next.add(id);
  }
  return next;
}
