// webpack 5 bundle of the demo page (tests/e2e/bundle-webpack.test.mjs): the package's workers
// and .wasm files must come through `new URL(..., import.meta.url)` as assets and chunks.
import { fileURLToPath } from 'node:url';

const at = (p) => fileURLToPath(new URL(p, import.meta.url));

export default {
  mode: 'production',
  target: 'web',
  entry: at('../../../www/main.js'),
  experiments: { outputModule: true },
  output: { path: at('../../../dist/www-webpack'), filename: 'main.js', module: true, clean: true },
  resolve: { alias: { katalyst$: at('../../../dist/pkg/index.js') } },
  performance: { hints: false },
};
