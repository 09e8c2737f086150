# The README's two commands: `make demo` (install dependencies, build, install the plugin, show it
# on a bundled capture) and `make test` (the whole test suite). Everything else is CMake.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_CAPTURE ?= captures/aerospike-realclient.pcapng

.PHONY: all deps build install demo test clean uninstall

all: build

deps:
	@scripts/install-deps.sh --build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

install: build
	cmake --install $(BUILD)

uninstall:
	cmake --build $(BUILD) --target uninstall

demo: deps install
	@scripts/demo.sh $(DEMO_CAPTURE)

test:
	@scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200

clean:
	rm -rf $(BUILD)
