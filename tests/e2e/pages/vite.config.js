// A blank page that imports the package, for the loader tests (same headers as the demo).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { isolation, katalystAlias } from '../../../www/vite.config.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [isolation()],
  resolve: { alias: katalystAlias },
  server: { fs: { allow: [fileURLToPath(new URL('../../..', import.meta.url))] } },
  optimizeDeps: { exclude: ['katalyst'] },
  logLevel: 'error',
});
