# SPDX-License-Identifier: GPL-2.0-only
# Host-built cmocka tests: every tests/test_*.c is a binary of its own,
# linking the ownership core as it is (mk/core.mk) and the test harness
# against the fake arch backend. `make unit` runs them all
# (scripts/run-unit.sh): each binary's output, then the totals.

PKGS_unit := libcmocka-dev

UNIT_CC ?= gcc
UNIT_CFLAGS := $(HOST_CFLAGS) -O2 $(CWARN)
UNIT_DIR := $(BUILD)/unit
UNIT_TESTS := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))
# The core and the harness with its cmocka side, compiled once for every
# test.
UNIT_OBJS := $(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(CORE_SRCS) $(TEST_SRCS) \
	tests/harness_cmocka.c)

.PHONY: unit unit-build
unit-build: $(UNIT_BINS)

unit: $(UNIT_BINS)
	$(Q)scripts/run-unit.sh $(UNIT_BINS)

$(UNIT_DIR)/obj/%.o: %.c $(CORE_HDRS) $(TEST_HDRS) $(STAMPS)/pkgs-unit
	$(Q)mkdir -p $(dir $@)
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_DIR)/%: $(UNIT_DIR)/obj/tests/%.o $(UNIT_OBJS)
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ -lcmocka
