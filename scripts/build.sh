#!/usr/bin/env bash
# Builds the two wasm packages and assembles the npm package in dist/pkg.
#   scripts/build.sh [st|mt|all]   (default all; `st`/`mt` rebuild one and reassemble)
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
out=dist/pkg
wasm_opt=node_modules/.bin/wasm-opt
# Features every engine we support has; wasm-opt must be told, or it refuses or drops them.
opt_features=(--enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue)

bindgen() { # <wasm> <out dir>
  rm -rf "$2"
  # --weak-refs: objects handed to JS (keys, hashers, CRDTs) are freed, and secrets wiped, when
  # collected, not only on an explicit free().
  wasm-bindgen "$1" --target web --weak-refs --out-dir "$2" --out-name katalyst
}

build_st() {
  echo "== st: stable, +simd128"
  cargo build --release --target wasm32-unknown-unknown --lib
  bindgen target/wasm32-unknown-unknown/release/katalyst.wasm "$out/st"
  "$wasm_opt" -O3 "${opt_features[@]}" "$out/st/katalyst_bg.wasm" -o "$out/st/katalyst_bg.wasm"
}

build_mt() {
  echo "== mt: nightly, +simd128 +atomics, shared imported memory"
  cargo +nightly build --release --target wasm32-unknown-unknown --lib --features threads \
    --config .cargo/threads.toml --target-dir target/mt
  bindgen target/mt/wasm32-unknown-unknown/release/katalyst.wasm "$out/mt"
  "$wasm_opt" -O3 "${opt_features[@]}" --enable-threads "$out/mt/katalyst_bg.wasm" -o "$out/mt/katalyst_bg.wasm"
  # wasm-bindgen-rayon's workers import the package directory ('../../..' from their snippet):
  # make that directory resolve to the glue in bundlers and Vite. No "type": "module" here:
  # webpack would then require that import to be fully specified, which a directory is not.
  printf '{ "main": "katalyst.js", "sideEffects": ["./snippets/**/*.js"] }\n' > "$out/mt/package.json"
}

assemble() {
  local version
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
  find "$out" -mindepth 1 -maxdepth 1 ! -name st ! -name mt -exec rm -rf {} +
  cp -r pkg-template/. "$out/"
  sed -i "s/__KATALYST_VERSION__/$version/g" "$out/package.json" "$out/index.js"
}

case "$which" in
  st) build_st ;;
  mt) build_mt ;;
  all) build_st; build_mt ;;
  *) echo "usage: $0 [st|mt|all]" >&2; exit 2 ;;
esac
assemble
node scripts/wasm-report.mjs "$out"
