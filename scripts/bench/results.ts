/** What the phases of one benchmark run measured, filled in as they finish. */
import type { Dataset } from './dataset';
import type { DrainResult } from './drain';
import type { EndToEndResult, PgCounters } from './e2e';
import type { LatencyResult } from './latency';
import type { pgUpsertRate, RateResult } from './limits';
import type { CpuUse } from './procstat';
import type { DrillBenchResult } from './phases/drill';
import type { ScaleResult } from './phases/scale';
import type { QueryResult } from './queries';
import { distribution } from './stats';
import type { UiResult } from './ui';

/** Each phase's figures; absent when the phase did not run or failed. */
export interface Results {
  dataset?: Omit<Dataset, 'batches' | 'bodies' | 'orderIds' | 'createdTemplate'>;
  kafkaProduce?: RateResult & { config: string };
  kafkaProducePublisherConfig?: RateResult & { config: string };
  kafkaConsume?: RateResult;
  pgUpsert?: Awaited<ReturnType<typeof pgUpsertRate>>;
  naive?: RateResult & { invalid: number };
  e2e1?: EndToEndRun;
  e2e2?: EndToEndRun;
  drain1?: DrainResult;
  drain2?: DrainResult;
  queries?: QueryResult;
  latency?: LatencyResult;
  replay?: {
    events: number;
    messages: number;
    seconds: number;
    perSecond: number;
    messagesPerSecond: number;
    schema: string;
  };
  /** The console in Chromium (phase `ui`). */
  ui?: UiResult;
  memory?: Record<string, { peakMb: number; processes: number }>;
  /** Phase `scale`: query p95 at about 100,000 and 1,000,000 orders. */
  scale?: ScaleResult;
  /** Phase `drill`: a drill at 1,000 events/s over the Olist data, real traffic's latency around it. */
  drill?: DrillBenchResult;
}

/** One end-to-end run with the PostgreSQL counters and CPU use around it. */
export type EndToEndRun = EndToEndResult & { pg: PgCounters; cpu: CpuUse };

/** Details for the JSON file: request timings summarized, timelines kept. */
export function trimDetails(r: Results) {
  const e2e = (x: Results['e2e1']) => (x ? { ...x, requestMs: distribution(x.requestMs) } : undefined);
  return { ...r, e2e1: e2e(r.e2e1), e2e2: e2e(r.e2e2) };
}
