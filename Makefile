# Thin wrapper over CMake. `make run` and `make test` install what is missing first.
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps configure build run test configure-asan test-asan test-asan-unit test-crash fuzz clean docs bench demo-data package

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@scripts/run-local $(BUILD_DIR)

# In CI (CI=true) the unit tests run under the sanitizers first; the suite's summary comes last.
test: build $(if $(filter true,$(CI)),test-asan-unit)
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

# Sanitized builds (ASan + UBSan, LeakSanitizer with ASan) in build-asan/: any report fails the
# test that triggered it (docs/reliability.md#sanitizers-make-test-asan).
# use_tls=0: LeakSanitizer's tracer crashed (signal 11) reading a stale dynamic-TLS entry left by
# a plugin loaded and unloaded in one test ("DTLS 7 at 0xf3c" with verbosity=1). Not scanning TLS
# can only add leak reports (objects held from TLS alone), never hide one.
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The unit tests: every core module's, the collector's, and every fuzz corpus replayed.
UNIT_TESTS = test-util test-report test-stats test-plugin test-config test-outbox test-kube test-app test-server
space := $(subst ,, )
UNIT_TEST_REGEX = ^(($(subst $(space),|,$(UNIT_TESTS))):|fuzz replay:)

configure-asan: deps
	@cmake -S . -B build-asan $(CMAKE_FLAGS) -DKUBECENSUS_SANITIZE=ON >/dev/null

# The whole suite (about half an hour of building on 2 cores).
test-asan: configure-asan
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && $(SANITIZER_ENV) ctest --output-on-failure -j$(JOBS)

# The unit tests only: CI runs these before the suite (`make test` with CI=true).
test-asan-unit: configure-asan
	@cmake --build build-asan -j$(JOBS) --target $(UNIT_TESTS) fuzz-targets
	@cd build-asan && $(SANITIZER_ENV) ctest --output-on-failure -j$(JOBS) -R '$(UNIT_TEST_REGEX)'

# libFuzzer targets (tests/fuzz) built with clang-14 in build-fuzz/, each run FUZZ_SECONDS (60):
# executions and coverage per target; a crash fails it (docs/reliability.md#fuzzing).
fuzz:
	@scripts/fuzz

# kill -9 of the agent at 200 random moments: no report it kept is lost or stored twice.
test-crash: build
	@KUBECENSUS_CRASH_ITERATIONS=$${KUBECENSUS_CRASH_ITERATIONS:-200} $(BUILD_DIR)/tests/test-integration "[crash]"

clean:
	rm -rf $(BUILD_DIR)

# The configuration reference and docs/privacy.md are generated from the binaries; tests check they are current.
docs: build
	@scripts/generate-config-reference $(BUILD_DIR) > docs/configuration.md
	@scripts/generate-privacy-doc $(BUILD_DIR) > docs/privacy.md

# Benchmarks (not tests): tables for docs/benchmarks.md.
bench: build
	@scripts/install-deps --bench
	@bench/agent-scale/run $(BUILD_DIR)
	@bench/collector-ingest/run $(BUILD_DIR)
	@bench/stats/run $(BUILD_DIR)

# Debian packages (cmake/Package.cmake) in $(BUILD_DIR)/packages/.
package: build
	@cd $(BUILD_DIR) && cpack -B packages >/dev/null && ls -1 packages/*.deb

# A generated year of a few hundred clusters in the storage `make run` uses (docs/stats.md).
demo-data: build
	@mkdir -p var
	@$(BUILD_DIR)/bin/kubecensus-collector demo-data --database sqlite:./var/kubecensus.db
