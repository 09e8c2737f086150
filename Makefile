# The README's two commands: `make demo` (install dependencies, build, install the plugin, show it
# on a bundled capture) and `make test` (the whole test suite). Everything else is CMake.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_CAPTURE ?= captures/aerospike-realclient.pcapng

.PHONY: all deps build install demo test deb clean uninstall

all: build

deps:
	@scripts/install-deps.sh --build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

# never leaves a second copy that Wireshark would load too (see scripts/install-plugin.sh)
install: build
	@scripts/install-plugin.sh $(BUILD)

uninstall:
	cmake --build $(BUILD) --target uninstall

demo: deps install
	@scripts/demo.sh $(DEMO_CAPTURE)

# $(BUILD)/troubleshark_<version>_<arch>.deb for the Wireshark it was built against
deb: deps build
	cd $(BUILD) && cpack -G DEB

# ends with what did not run and why (scripts/test-summary.py)
test:
	@scripts/install-deps.sh
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON
	cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && rm -f ctest-junit.xml && { ctest --output-on-failure -j $(JOBS) --timeout 1200 \
	  --output-junit ctest-junit.xml; rc=$$?; python3 $(CURDIR)/scripts/test-summary.py ctest-junit.xml; exit $$rc; }

clean:
	rm -rf $(BUILD)
