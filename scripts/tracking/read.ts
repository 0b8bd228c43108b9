/**
 * Reads AfterShip tracking responses (API v3 and v4: `{meta, data: {tracking}}` for one tracking,
 * `{meta, data: {trackings: [...]}}` for a list) from files and folders. Only the fields the
 * import uses are checked; others are ignored. No Kafka, no console output.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** A problem with an input file: the message names the file and the field. */
export class TrackingInputError extends Error {
  override name = 'TrackingInputError';
}

const text = z.string().nullish();

/** One checkpoint as AfterShip reports it (`checkpoint_time` is local time, usually without offset). */
export const afterShipCheckpointSchema = z.object({
  checkpoint_time: z.string().min(1),
  tag: z.string().min(1),
  subtag: text,
  subtag_message: text,
  message: text,
  location: text,
  city: text,
  state: text,
  zip: text,
  country_name: text,
  country_iso3: text,
  slug: text,
});
export type AfterShipCheckpoint = z.infer<typeof afterShipCheckpointSchema>;

/** One tracking (a parcel at one carrier). */
export const afterShipTrackingSchema = z.object({
  id: text,
  tracking_number: z.string().min(1),
  slug: z.string().min(1),
  tag: z.string().min(1),
  subtag: text,
  order_id: text,
  created_at: text,
  updated_at: text,
  expected_delivery: text,
  order_promised_delivery_date: text,
  origin_country_iso3: text,
  destination_country_iso3: text,
  signed_by: text,
  checkpoints: z.array(afterShipCheckpointSchema).default([]),
});
export type AfterShipTracking = z.infer<typeof afterShipTrackingSchema>;

const responseSchema = z.object({
  meta: z.object({ code: z.number() }).optional(),
  data: z.union([
    z.object({ tracking: afterShipTrackingSchema }),
    z.object({ trackings: z.array(afterShipTrackingSchema) }),
  ]),
});

/** One tracking with where it came from (for messages). */
export interface SourcedTracking {
  file: string;
  /** `data.tracking` or `data.trackings.3`: the JSON path of the tracking in its file. */
  pointer: string;
  tracking: AfterShipTracking;
}

/**
 * Parses one response body.
 * @throws TrackingInputError naming the file and the first broken field
 */
export function parseAfterShipResponse(file: string, body: string): SourcedTracking[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new TrackingInputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TrackingInputError(
      `${file}: not an AfterShip tracking response: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const data = parsed.data.data;
  if ('tracking' in data) return [{ file, pointer: 'data.tracking', tracking: data.tracking }];
  return data.trackings.map((tracking, i) => ({ file, pointer: `data.trackings.${i}`, tracking }));
}

/**
 * Reads every given file, and every `*.json` file of every given folder (not recursive, sorted
 * by name), in argument order.
 * @throws TrackingInputError when a path is missing or a file is not an AfterShip response
 */
export async function loadAfterShipInputs(paths: readonly string[]): Promise<SourcedTracking[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (!info) throw new TrackingInputError(`${p}: no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith('.json')).sort();
      if (names.length === 0) throw new TrackingInputError(`${p}: the folder holds no .json files`);
      files.push(...names.map((n) => path.join(p, n)));
    } else files.push(p);
  }
  const out: SourcedTracking[] = [];
  for (const file of files) out.push(...parseAfterShipResponse(file, await readFile(file, 'utf8')));
  return out;
}
