# Kumo: `make run` and `make test` are the whole quick start.
BUILD ?= build
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=

.PHONY: all setup build run test test-unit test-integration test-asan bench-edge bench-functions bench-tables bench-apis clean

all: build

setup:
	@bash scripts/setup

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/kumo server $(ARGS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600

test-unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L unit

test-integration: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L integration

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, then every test.
test-asan: setup
	cmake -S . -B build-asan $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=Debug -DKUMO_SANITIZE=ON
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS) --timeout 900

bench-edge: build
	bash bench/edge/run

bench-functions: build
	bash bench/functions/run

bench-tables: build
	bash bench/tables/run

bench-apis: build
	bash bench/apis/cost
	bash bench/apis/run

clean:
	rm -rf $(BUILD) build-asan
