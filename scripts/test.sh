#!/usr/bin/env bash
# Runs every suite, then prints one line `N passed, N failed` summing them all; exits non-zero
# on any failure. A suite that fails before reporting counts (a build error, a crash) counts as
# one failure. Logs go to target/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."

# Incremental caches only help the next edit; a test run that starts from a fresh clone would
# leave 1 GB of them behind.
export CARGO_INCREMENTAL=0

logs=target/test-logs
mkdir -p "$logs"
passed=0
failed=0
summary=()

# count <log> <format>: prints "passed failed" read from a runner's own summary lines.
count() {
  case "$2" in
    cargo) # cargo test and wasm-bindgen-test-runner: "test result: ok. 3 passed; 0 failed; ..."
      awk '/test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
           END { print p + 0, f + 0 }' "$1" ;;
    node) # node --test: "# pass 3" / "# fail 0"
      awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { print p + 0, f + 0 }' "$1" ;;
  esac
}

# suite <name> <format> <command...>
suite() {
  local name=$1 format=$2
  shift 2
  local log="$logs/$name.log"
  printf '== %-28s ' "$name"
  local start=$SECONDS
  "$@" >"$log" 2>&1
  local rc=$?
  read -r p f < <(count "$log" "$format")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  printf '%4d passed, %d failed  (%ds)\n' "$p" "$f" "$((SECONDS - start))"
  if [ "$f" -ne 0 ]; then
    summary+=("$name: see $log")
    grep -E '^(error|test .* FAILED|not ok|---- |thread .* panicked)' "$log" | head -20 | sed 's/^/   | /'
  fi
}

# check <name> <command...>: a pass/fail gate (lints, builds) counted as one test.
check() {
  local name=$1
  shift
  local log="$logs/$name.log"
  printf '== %-28s ' "$name"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok"
  else
    failed=$((failed + 1)); summary+=("$name: see $log"); echo "FAILED"; tail -20 "$log" | sed 's/^/   | /'
  fi
}

check fmt cargo fmt --check
check clippy-native cargo clippy --all-targets -- -D warnings
check clippy-wasm32 cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
check clippy-wasm32-threads cargo +nightly clippy --target wasm32-unknown-unknown --features threads \
  --config .cargo/threads.toml --target-dir target/mt --all-targets -- -D warnings
check build scripts/build.sh
suite native cargo cargo test --no-fail-fast
suite wasm-chrome cargo env -u GECKODRIVER CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --no-fail-fast --target wasm32-unknown-unknown --tests
suite wasm-firefox cargo env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
  cargo test --no-fail-fast --target wasm32-unknown-unknown --tests
suite e2e node node --test --test-concurrency=1 tests/e2e/

echo
for s in "${summary[@]}"; do echo "failed: $s"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
