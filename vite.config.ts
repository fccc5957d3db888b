// Renderer build. base './' so the same dist/renderer loads over http:// (browser mode) and
// file:// (Electron). No CDN or web fonts: counters are often offline.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rootDir = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root: rootDir,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    // Counter PCs run a recent Chromium (Electron or Debian's); no legacy transpiling needed.
    target: 'es2022',
    // Small assets as data: URIs would still be allowed by the CSP (img-src data:), but files
    // keep the policy simple to reason about.
    assetsInlineLimit: 0,
  },
});
