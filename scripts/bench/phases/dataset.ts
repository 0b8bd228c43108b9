/** Phase "data set": the Olist sample mapped to pipeline events, repeated up to `--events`. */
import { buildDataset, type Dataset } from '../dataset';
import { log } from '../log';
import type { BenchRun } from '../run';

/**
 * Builds the data set every later phase sends, and records its summary in the results.
 * @returns the data set, or undefined when it could not be built (the later phases are skipped)
 */
export async function loadDataset(run: BenchRun): Promise<Dataset | undefined> {
  const { opts } = run;
  const data = await run.phase(
    `data set: Olist sample from ${opts.olist}, at least ${opts.events} events`,
    async () => {
      const d = await buildDataset(opts.olist, opts.events);
      log(
        `   ${d.events} events (${d.eventsFromSample} from ${d.olistOrders} Olist orders, ${d.eventsFromRepeats} from suffixed repeats), ` +
          `${d.expected.orders} orders, ${d.expected.shipments} shipments, ${d.bodies.length} batches, mean message ${Math.round(d.meanMessageBytes)} B`,
      );
      return d;
    },
  );
  if (data) {
    const { batches: _b, bodies: _bo, orderIds: _o, createdTemplate: _t, ...summary } = data;
    run.results.dataset = summary;
  }
  return data;
}
