# SPDX-License-Identifier: GPL-2.0-only
# The in-tree protected guest: tests/guest/, cross-compiled freestanding
# for aarch64, linked at S2OWN_GUEST_RAM_BASE and turned into a raw binary
# the VMM loads at that IPA. Its first byte is vCPU 0's entry.
# docs/guests.md, "The in-tree guest".
#
#   make guest        $(GUEST_BIN) and $(GUEST_ELF)
#
# Variables: GUEST_EXTRA_CFLAGS. The toolchain and the C flags are the
# hypervisor's (HYP_CROSS, FREESTANDING_CFLAGS in mk/hyp.mk).

GUEST_EXTRA_CFLAGS ?=

GUEST_DIR := $(BUILD)/guest
GUEST_ELF := $(GUEST_DIR)/s2own-guest.elf
GUEST_BIN := $(GUEST_DIR)/s2own-guest.bin
GUEST_LDS := $(GUEST_DIR)/guest.lds

PKGS_guest := gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu

# The hypervisor's flags, and: every warning is an error, in C, assembly
# and the link; no unwind tables (nothing to discard); no libgcc, so a
# helper call the compiler slips in fails the link. C never touches
# FP/SIMD: the V registers belong to start.S's check.
GUEST_CFLAGS = $(FREESTANDING_CFLAGS) -Werror \
	-fno-asynchronous-unwind-tables -fno-unwind-tables $(GUEST_EXTRA_CFLAGS)
GUEST_ASFLAGS = -D__ASSEMBLER__ -march=armv8-a -Werror -Wa,--fatal-warnings
GUEST_LDFLAGS = $(HYP_LDFLAGS) -Wl,--fatal-warnings

GUEST_SRCS := $(wildcard tests/guest/*.c) tests/guest/start.S
GUEST_OBJS := $(patsubst tests/guest/%,$(GUEST_DIR)/obj/%.o,$(GUEST_SRCS))

.PHONY: guest

guest: $(GUEST_BIN)

$(GUEST_BIN): $(GUEST_ELF)
	$(Q)$(HYP_OBJCOPY) -O binary $< $@
	@echo "  GUEST   $@ ($$(stat -c %s $@) bytes)"

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_LDS) | $(STAMPS)/pkgs-guest
	$(Q)$(HYP_CC) $(GUEST_LDFLAGS) -T $(GUEST_LDS) -o $@ $(GUEST_OBJS)

$(GUEST_LDS): tests/guest/guest.lds.S tests/guest/guest.h \
		abi/s2own_abi.h | $(STAMPS)/pkgs-guest
	$(Q)mkdir -p $(@D)
	$(Q)$(HYP_CC) -E -P -undef -x c -D__ASSEMBLER__ $< -o $@

# Every object depends on the fragments that hold its flags.
$(GUEST_DIR)/obj/%.c.o: tests/guest/%.c mk/guest.mk mk/hyp.mk \
		| $(STAMPS)/pkgs-guest
	$(Q)mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(HYP_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_DIR)/obj/%.S.o: tests/guest/%.S mk/guest.mk mk/hyp.mk \
		| $(STAMPS)/pkgs-guest
	$(Q)mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(HYP_CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

-include $(GUEST_OBJS:.o=.d)
