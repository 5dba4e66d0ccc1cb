// The benchmark page: cross-origin isolated, so the threads build and peers' threaded builds run.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { isolation, katalystAlias } from '../../www/vite.config.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [isolation()],
  resolve: { alias: katalystAlias },
  server: { fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  // pffft-wasm locates its .wasm beside its own module, which pre-bundling would move.
  optimizeDeps: { exclude: ['katalyst', '@echogarden/pffft-wasm'] },
  logLevel: 'error',
});
