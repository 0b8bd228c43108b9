/**
 * Desktop build (electron-vite): main process, preload and renderer (with renderer/vite.config.ts).
 * Workers and the headless console are plain Node entry points built by scripts/build-node.mjs.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import rendererConfig from './renderer/vite.config.ts';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(__dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'electron/preload/index.ts') } },
    },
  },
  // The same renderer build as `npm run build` (renderer/vite.config.ts: no source maps, the CSP
  // kept), so the desktop app and the headless console ship the same out/renderer.
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
