# Front end for the CMake build. Every target installs missing Debian
# packages first (scripts/install-deps.sh is a no-op when all are present).
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
VENV ?= .venv

.PHONY: all deps build test unit interop adversarial fleet-kill fuzz fuzz-build bench run clean format format-check \
	venv python python-test browser

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DBA_TESTS=OFF
	cmake --build $(BUILD) -j $(JOBS)

# The C++ sources formatted as .clang-format says, then unit tests under
# ASan+UBSan, then the interop suite against DuckDB, then the adversarial
# suite (DuckDB globbing during seals, kills mid-seal, a full disk), then
# publish killed at random moments (DuckDB reading the fleet store), then the
# Python package's suite (side by side with the Python version, on pandas,
# pyarrow, polars and DuckDB), then the compliance report's page in headless
# Chromium, then a bounded fuzzing run of every target over its seed corpus.
test: format-check unit interop adversarial fleet-kill python-test browser fuzz

# clang-format 14 over every C and C++ source (scripts/format.sh).
format: deps
	bash scripts/format.sh

format-check: deps
	bash scripts/format.sh --check

# The venv of the Python parts, from python/requirements.lock (pinned, hashed).
venv: deps
	bash scripts/python-env.sh $(VENV) --venv-only

# The Python package built from this checkout and installed into the venv.
python: deps
	bash scripts/python-env.sh $(VENV)

# pytest over python/tests; the command-line tool the tests compare with is
# the unit tests' (ASan) build.
python-test: python
	BA_TEST_CLI=$(CURDIR)/$(ASAN_BUILD)/budget-audit bash scripts/python-test.sh $(VENV)

# The compliance report's HTML in headless Chromium (Debian's, installed by
# the script): no console error, no network request, screenshots at desktop
# and phone widths not blank, an A4 PDF.
browser: deps
	bash tests/browser/run.sh --from-tests $(ASAN_BUILD)/ba_tests

unit: deps venv
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBA_SANITIZE=ON -DBA_TESTS=ON \
	  -DBA_CAPI_PYTHON=$(CURDIR)/$(VENV)/bin/python
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

interop: deps
	bash tests/interop/run.sh $(ASAN_BUILD)/budget-audit

adversarial: deps
	bash tests/adversarial/run.sh $(ASAN_BUILD)/budget-audit

# publish killed with SIGKILL at random moments and resumed, DuckDB reading
# the fleet store after every kill (docs/fleet.md).
fleet-kill: deps venv
	bash tests/fleet/publish_kill.sh $(ASAN_BUILD)/budget-audit $(VENV)/bin/python

fuzz-build: deps
	CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBA_FUZZ=ON -DBA_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The comparative suite: ours against the Python version's strategy, a bare
# write+fdatasync and DuckDB, on this machine; writes bench/RESULTS.md
# (~10 min; BENCH_QUICK=1 for a quick check, see scripts/bench.sh).
bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBA_TESTS=OFF -DBA_BENCH=ON
	cmake --build build-bench -j $(JOBS)
	bash scripts/bench.sh build-bench

# The demo: a season of ticks of the demo plant (examples/demo) logged into a
# fresh data directory, then the rollup as a table and as JSON.
run: build
	bash scripts/run-demo.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-bench build-py
