# A thin wrapper over CMake: `make run` and `make test` are the two commands
# the README promises on a fresh Debian 12 machine.
BUILD ?= build
SAN_BUILD ?= build-san
JOBS ?= $(shell nproc)

.PHONY: all deps build run test test-san bench lint clean

all: build

deps:
	./scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./scripts/demo.sh $(BUILD)/tui/amparo

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The unit tests once more under AddressSanitizer and UBSan.
test-san: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DAMPARO_SANITIZE=ON -DAMPARO_BENCH=OFF $(CMAKE_ARGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

bench: build
	$(BUILD)/bench/amparo-bench

lint:
	cppcheck --quiet --enable=warning,performance,portability --std=c11 \
	  --error-exitcode=1 --suppress=missingIncludeSystem crypto vault tui policies

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
