#!/usr/bin/env bash
# Installs what the build and the tests need, from the package registries only. Idempotent and
# quick when everything is already there. Run by `make` before building or testing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bootstrap] %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- Debian packages: browsers and their drivers ---------------------------------------------
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
[ -x /usr/bin/firefox-esr ] || need_apt+=(firefox-esr)
# A WebKitGTK webview under Xvfb: the engine of Tauri on Linux.
[ -x /usr/bin/xvfb-run ] || need_apt+=(xvfb)
for p in python3-gi gir1.2-webkit2-4.1; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    say "apt-get install ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    say "please install the Debian packages: ${need_apt[*]} (as root: apt-get install ${need_apt[*]})"
    exit 1
  fi
fi

# --- Rust: wasm32 targets, nightly rust-src for the threads build ----------------------------
have rustup || { say "rustup is required (https://rustup.rs)"; exit 1; }
if ! rustup toolchain list | grep -q '^nightly'; then
  say "rustup toolchain install nightly"
  rustup toolchain install nightly --profile minimal
fi
for tc in stable nightly; do
  rustup "+$tc" target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { say "rustup +$tc target add wasm32-unknown-unknown"; rustup "+$tc" target add wasm32-unknown-unknown; }
done
rustup +nightly component list --installed 2>/dev/null | grep -q '^rust-src' \
  || { say "rustup component add rust-src --toolchain nightly"; rustup component add rust-src --toolchain nightly; }
for c in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done

# --- wasm-bindgen CLI, exactly the version in Cargo.lock; geckodriver --------------------------
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "cargo install wasm-bindgen-cli $wb_version (about 3 minutes)"
  # Not --locked: the registry snapshot lacks some of the CLI's locked dependency versions.
  cargo install -q wasm-bindgen-cli --version "$wb_version" --force
fi
have geckodriver || { say "cargo install geckodriver"; cargo install -q geckodriver; }

# --- npm: dev tools (Vite, Playwright core, binaryen, benchmark peers) from the lockfile ------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"
