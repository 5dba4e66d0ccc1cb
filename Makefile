# Katalyst. `make demo` and `make test` are all a fresh machine needs.
.PHONY: all bootstrap build build-st build-mt demo test lint bench bench-native bench-browser fuzz clean

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	scripts/build.sh all

build-st: bootstrap
	scripts/build.sh st

build-mt: bootstrap
	scripts/build.sh mt

# Serves www/ with COOP/COEP (threads build); append ?coi=0 to the URL for no headers (single build).
demo: build
	@echo
	@echo "  Katalyst demo:  http://localhost:5173/         (COOP/COEP: threads build)"
	@echo "                  http://localhost:5173/?coi=0   (no headers: single-thread build)"
	@echo
	npx vite --config www/vite.config.js --port 5173

test: bootstrap
	@scripts/test.sh

lint: bootstrap
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo +nightly clippy --target wasm32-unknown-unknown --features threads \
	  --config .cargo/threads.toml --target-dir target/mt --all-targets -- -D warnings

bench: bench-native bench-browser

bench-native: bootstrap
	cargo bench

# Side-by-side with the peers in headless Chromium; writes benches/results/.
bench-browser: build
	node benches/browser/run.mjs $(BENCH_ARGS)

# Runs every CRDT decoder fuzz target for FUZZ_SECONDS each (cargo-fuzz, nightly).
FUZZ_SECONDS ?= 30
fuzz: bootstrap
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cd fuzz && for t in $$(cargo +nightly fuzz list); do \
	  cargo +nightly fuzz run -O $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf target dist
