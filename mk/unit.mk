# SPDX-License-Identifier: GPL-2.0-only
# Host-built cmocka tests: the ownership/ sources as they are, against the
# fake arch backend (tests/fake_arch.c).

PKGS_unit := libcmocka-dev pkg-config

UNIT_CC ?= gcc
UNIT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread \
	-fno-strict-aliasing
UNIT_DIR := $(BUILD)/unit
CORE_SRCS := $(wildcard ownership/*.c)
UNIT_COMMON := tests/fake_arch.c tests/harness.c
UNIT_TESTS := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))

.PHONY: unit
unit: $(UNIT_BINS)
	$(Q)failed=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; $$t || failed=1; \
	done; exit $$failed

# The reference model, shared with the fuzzer (mk/fuzz.mk).
$(UNIT_DIR)/test_reference: tests/refmodel.c
$(UNIT_DIR)/test_reference: private UNIT_COMMON += tests/refmodel.c

$(UNIT_DIR)/%: tests/%.c $(CORE_SRCS) $(UNIT_COMMON) ownership/*.h \
		tests/*.h $(STAMPS)/pkgs-unit
	$(Q)mkdir -p $(dir $@)
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_COMMON) $(CORE_SRCS) \
		-lcmocka
