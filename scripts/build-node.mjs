// Builds the plain-Node entry points (workers, headless console, CLI scripts) with esbuild:
// one ESM file each under out/, dependencies left to node_modules.
import { build } from 'esbuild';

const entries = {
  'workers/order-processor': 'workers/order-processor/main.ts',
  'workers/shipment-tracker': 'workers/shipment-tracker/main.ts',
  'workers/analytics-aggregator': 'workers/analytics-aggregator/main.ts',
  'headless/serve': 'server/headless.ts',
};

await build({
  entryPoints: entries,
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
