/**
 * Vite build of the renderer (the sandboxed React console).
 *
 * - root is `renderer/`, output goes to `out/renderer` (emptied on each build);
 * - `base: './'` because the desktop shell loads the page from `file://` and the headless console
 *   may serve it under any path;
 * - the strict Content-Security-Policy in index.html stays in the build. Only the dev server
 *   (`vite serve`) drops it, because React Fast Refresh injects an inline preamble script and a
 *   websocket that a production CSP must not allow.
 *
 * Build from the repo root: `npx vite build --config renderer/vite.config.ts`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const rendererRoot = dirname(fileURLToPath(import.meta.url));

/** Dev-server only: removes the CSP meta tag so HMR works; production HTML keeps it untouched. */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'sct-relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta\s+http-equiv="Content-Security-Policy"[\s\S]*?\/>\s*/i, '');
    },
  };
}

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: resolve(rendererRoot, '../out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // No source maps in the shipped console (they would be served with it and double its size).
    sourcemap: false,
    // Charts (recharts) and zod are big; one vendor chunk keeps file:// loading simple.
    chunkSizeWarningLimit: 1500,
  },
});
