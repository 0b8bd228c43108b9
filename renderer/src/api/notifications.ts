/**
 * Decoding of `/api/live` change notifications with the contracts' schema (what they make stale:
 * query/invalidation.ts). An invalid notification is ignored, and reported on the console once
 * (a stream of them would flood it): the screens keep their data until the next valid one.
 */
import { changeNotificationSchema, type ChangeNotification } from '../../../contracts/api';

let reported = false;

/**
 * Parses the `data` of an SSE `change` event into a {@link ChangeNotification}: missing id lists
 * read as empty, a missing `kpi` as false; anything else malformed returns null.
 * @param report where the first invalid notification is reported (default: `console.warn`)
 */
export function parseChangeNotification(
  data: string,
  report: (message: string) => void = (message) => console.warn(message),
): ChangeNotification | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return invalid(report, 'not JSON');
  }
  const parsed = changeNotificationSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return invalid(report, issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid');
}

function invalid(report: (message: string) => void, why: string): null {
  if (!reported) {
    reported = true;
    report(
      `live stream: ignored a change notification that breaks its schema (${why}); further ones are ignored silently`,
    );
  }
  return null;
}

/** Tests: report the next invalid notification again. */
export function resetNotificationReport(): void {
  reported = false;
}
