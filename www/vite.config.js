// The demo (and the e2e tests) run on Vite. Pages are cross-origin isolated (COOP/COEP), so the
// threads build can start, except a document requested with `?coi=0`, which gets no headers and
// must run the single-thread build.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = fileURLToPath(new URL('../dist/pkg/', import.meta.url));

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Adds COOP/COEP to every response but documents asked for with `?coi=0`. */
export function isolation() {
  const middleware = (req, res, next) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.searchParams.get('coi') !== '0') {
      for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
    }
    next();
  };
  return {
    name: 'katalyst-isolation',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

export const katalystAlias = [
  { find: /^katalyst$/, replacement: `${pkg}index.js` },
  { find: /^katalyst\/react$/, replacement: `${pkg}react/index.js` },
];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [isolation()],
  resolve: { alias: katalystAlias },
  server: { fs: { allow: [root] }, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['katalyst'] },
  build: { target: 'es2022', outDir: fileURLToPath(new URL('../dist/www', import.meta.url)), emptyOutDir: true },
});
