import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard: a static SPA built to web/dist, served by the API at `/` (same origin, so no CORS and no
 * token in cookies). `vite --config web/vite.config.ts` serves it in development with the API proxied.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/v1': 'http://localhost:8080',
      '/.well-known': 'http://localhost:8080',
      '/oauth': 'http://localhost:8080',
    },
  },
});
