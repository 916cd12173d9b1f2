# Thin wrapper over CMake so that `make`, `make test`, `make demo` and
# `make bench` work from the top of the tree. Binaries land in build/.
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE   ?= cmake
SOURCES  = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

.PHONY: all build test test-unit test-system asan test-asan fuzz fuzz-smoke format format-check check-refs demo bench clean

all: build

build:
	@$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest -j 2 --output-on-failure

test-unit: build
	cd $(BUILD) && ctest -j 2 -L unit --output-on-failure

test-system: build
	cd $(BUILD) && ctest -j 2 -L system --output-on-failure

asan:
	@$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DIMMO_SANITIZE=ON >/dev/null
	@$(CMAKE) --build $(ASAN) -j $(JOBS)

test-asan: asan
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest -j 2 --output-on-failure

fuzz:
	@CC=clang $(CMAKE) -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=Debug -DIMMO_FUZZ=ON >/dev/null
	@$(CMAKE) --build $(FUZZ) -j $(JOBS)

# Runs each libFuzzer target briefly (FUZZ_SECONDS each) on its seed corpus.
FUZZ_SECONDS ?= 20
fuzz-smoke: fuzz
	@scripts/fuzz-smoke.sh $(FUZZ) $(FUZZ_SECONDS)

format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

# Every R-… id and § reference in the tree resolves in docs/ (scripts/check-refs.py).
check-refs:
	python3 scripts/check-refs.py

demo: build
	scripts/demo.sh

bench: build
	bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
