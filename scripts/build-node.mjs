// Builds the plain-Node entry points with esbuild, one ESM file each under out/:
// - the workers: self-contained, their dependencies bundled in, because the desktop app runs them
//   from app.asar.unpacked/ where no node_modules can be found (tests/packaging checks that each
//   packaged worker starts from there); a `require` is provided for the CommonJS packages;
// - the headless console: dependencies left to node_modules (it runs from the repository).
import { build } from 'esbuild';

const common = {
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: {
      'workers/order-processor': 'workers/order-processor/main.ts',
      'workers/shipment-tracker': 'workers/shipment-tracker/main.ts',
      'workers/analytics-aggregator': 'workers/analytics-aggregator/main.ts',
    },
    banner: {
      js: "import { createRequire as __sctCreateRequire } from 'node:module'; const require = __sctCreateRequire(import.meta.url);",
    },
  }),
  build({ ...common, entryPoints: { 'headless/serve': 'server/headless.ts' }, packages: 'external' }),
]);
