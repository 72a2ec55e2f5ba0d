# SPDX-License-Identifier: GPL-2.0-only
# Hypervisor tracing (docs/tracing.md) and the map of the host stage-2.
# Include after mk/linux.mk and mk/driver.mk.
#
#   make trace-fmt-test  the trace text lines, on the build machine
#   make svg             the maps of the dumps in $(SVG_LOG) (the demo's,
#                        from the last `make run`) into $(BUILD)/
#   make svg-test        maps of a sample dump and of the dumps in the
#                        driver-test log, each checked with xmllint
#   make trace-cmd       Debian's arm64 trace-cmd and its libraries, for
#                        the initramfs ($(TRACECMD_ROOT))
#
# Every initramfs gets the tracing shell helpers, the trace tests
# (/demo.d/65-s2own-trace-test.sh: s2own.test=1 or s2own.trace_test=1),
# and trace-cmd unless TRACE_CMD=0.

PKGS_svg := libxml2-utils

TRACE_CMD ?= 1
TRACECMD_ROOT := $(BUILD)/trace-cmd/root
TRACECMD_STAMP := $(TRACECMD_ROOT)/.deb-version
SVG_LOG ?= $(BUILD)/qemu-run.log
SVG_TEST_DIR := $(BUILD)/svg-test
TRACE_FMT_TEST := $(BUILD)/host-driver/test_trace_fmt

.PHONY: trace-fmt-test svg svg-test trace-cmd

INITRAMFS_EXTRA += \
	host-driver/initramfs/s2own-trace-lib.sh:/lib/s2own/trace.sh \
	host-driver/initramfs/65-s2own-trace-test.sh:/demo.d/65-s2own-trace-test.sh
$(INITRAMFS): host-driver/initramfs/s2own-trace-lib.sh \
	host-driver/initramfs/65-s2own-trace-test.sh

ifeq ($(TRACE_CMD),1)
INITRAMFS_EXTRA += $(TRACECMD_ROOT)/usr/bin/trace-cmd:/usr/bin/trace-cmd \
	$(TRACECMD_ROOT)/lib/ld-linux-aarch64.so.1:/lib/ld-linux-aarch64.so.1 \
	$(TRACECMD_ROOT)/lib/aarch64-linux-gnu:/lib/
$(INITRAMFS): $(TRACECMD_STAMP)
endif

trace-cmd: $(TRACECMD_STAMP)

$(TRACECMD_STAMP): scripts/fetch-trace-cmd.sh scripts/fetch-linux.sh | $(STAMPS)/pkgs-hyp
	$(Q)scripts/fetch-trace-cmd.sh $(TRACECMD_ROOT) $(DEBS_DIR)

trace-fmt-test: $(TRACE_FMT_TEST)
	$(Q)$(TRACE_FMT_TEST)

$(TRACE_FMT_TEST): host-driver/tests/test_trace_fmt.c host-driver/trace_fmt.c \
		host-driver/trace_fmt.h host-driver/fmt.h $(wildcard abi/*.h)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iabi -o $@ \
		host-driver/tests/test_trace_fmt.c host-driver/trace_fmt.c

# After `make run`: the maps of the demo's three dumps, and where they are.
SVG_FROM_LOG = scripts/ptdump-svg.sh --log $(SVG_LOG) --out $(BUILD) | \
	sed 's/^/map of the host stage-2: /'

svg:
	$(Q)$(SVG_FROM_LOG)

svg-test: | $(STAMPS)/pkgs-svg
	$(Q)rm -rf $(SVG_TEST_DIR) && mkdir -p $(SVG_TEST_DIR)
	$(Q)scripts/ptdump-svg.sh -t sample tests/svg/ptdump-sample.txt \
		>$(SVG_TEST_DIR)/sample.svg
	$(Q)set -e; n=1; \
	if [ -f $(DRIVER_TEST_LOG) ]; then \
		scripts/ptdump-svg.sh --log $(DRIVER_TEST_LOG) \
			--out $(SVG_TEST_DIR) >/dev/null; \
	else echo "svg-test: no $(DRIVER_TEST_LOG): the sample only"; fi; \
	for f in $(SVG_TEST_DIR)/*.svg; do \
		xmllint --noout "$$f"; \
		grep -q '<rect' "$$f" || { echo "svg-test: $$f: nothing drawn"; exit 1; }; \
	done; \
	echo "svg-test: $$(ls $(SVG_TEST_DIR)/*.svg | wc -l) maps well-formed (xmllint): $$(cd $(SVG_TEST_DIR) && ls *.svg | tr '\n' ' ')"
