# SPDX-License-Identifier: GPL-2.0-only
# The EL2 hypervisor image: hyp/ plus the ownership core, cross-compiled
# freestanding for aarch64 and linked with Debian's libfdt.a, then turned
# into a raw binary with an arm64 Image header (QEMU -kernel loads it at
# RAM + 2 MiB and enters it at EL2 with x0 = DTB). docs/boot.md.
#
#   make hyp          $(HYP_BIN)
#   make hyp-test     boot it with Debian Linux under QEMU (needs
#                     mk/linux.mk and mk/qemu.mk) and check the markers
#
# Variables: HOST_IMAGE_ADDR (where the hypervisor expects the Linux Image;
# the same variable tells QEMU where to put it, mk/qemu.mk, and this is its
# one default), HYP_CROSS (toolchain prefix), HYP_EXTRA_CFLAGS.

HYP_CROSS ?= aarch64-linux-gnu-
HYP_CC := $(HYP_CROSS)gcc
HYP_OBJCOPY := $(HYP_CROSS)objcopy
HYP_NM := $(HYP_CROSS)nm
HOST_IMAGE_ADDR ?= 0x50000000
HYP_RAM_BASE := 0x40000000
HYP_LOAD_ADDR := 0x40200000
HYP_EXTRA_CFLAGS ?=

HYP_DIR := $(BUILD)/hyp
HYP_BIN := $(HYP_DIR)/s2own-hyp.bin
HYP_ELF := $(HYP_DIR)/s2own-hyp.elf
HYP_LDS := $(HYP_DIR)/hyp.lds
HYP_FDT_INC := $(HYP_DIR)/include
HYP_LIBFDT := /usr/lib/aarch64-linux-gnu/libfdt.a

PKGS_hyp := gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu \
	libfdt-dev:arm64

# S2O_ARCH_UNCHECKED: the EL2 backend checks no descriptor write, so the
# core computes no site for it; S2O_ARCH_VA_IS_PA: EL2 maps RAM at VA ==
# PA, so a table's address is its PA, inline (ownership/arch.h).
HYP_DEFS := -DHYP_RAM_BASE=$(HYP_RAM_BASE) -DHYP_LOAD_ADDR=$(HYP_LOAD_ADDR) \
	-DHOST_IMAGE_ADDR=$(HOST_IMAGE_ADDR) -DS2O_ARCH_UNCHECKED \
	-DS2O_ARCH_VA_IS_PA

# Freestanding, identity-mapped at a fixed address (no PIC), general
# registers only: after boot, EL2 code runs on the host's FP/SIMD state.
# (libfdt.a does use SIMD, only at boot: see hyp/fdt.c.) -mstrict-align
# because early code runs with the MMU off, where memory is Device.
# Atomics are inlined as LL/SC, which every Armv8 CPU has. The warnings
# are every build's (mk/core.mk): the core's and hyp/'s alike fail it. The
# in-tree guest (mk/guest.mk) builds with the same flags and warnings.
FREESTANDING_CFLAGS = -std=gnu11 -O2 -g -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell $(HYP_CC) -print-file-name=include) \
	-march=armv8-a -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics -fno-pic -fno-pie -fno-stack-protector \
	-fno-common -fno-omit-frame-pointer -fno-tree-loop-distribute-patterns \
	$(CWARN)
HYP_CFLAGS = $(FREESTANDING_CFLAGS) -Ihyp -I$(HYP_FDT_INC) $(HYP_DEFS) \
	$(HYP_EXTRA_CFLAGS)
HYP_ASFLAGS = -D__ASSEMBLER__ -march=armv8-a -Ihyp $(HYP_DEFS)
HYP_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-z,noexecstack

HYP_C_SRCS := $(wildcard hyp/*.c)
HYP_S_SRCS := $(wildcard hyp/*.S)
HYP_OBJS := $(patsubst %.c,$(HYP_DIR)/obj/%.o,$(HYP_C_SRCS) $(CORE_SRCS)) \
	$(patsubst %.S,$(HYP_DIR)/obj/%.o,$(filter-out hyp/hyp.lds.S,$(HYP_S_SRCS)))

.PHONY: hyp hyp-test

hyp: $(HYP_BIN)

$(HYP_BIN): $(HYP_ELF)
	$(Q)$(HYP_OBJCOPY) -O binary $< $@
	@echo "  HYP     $@ ($$(stat -c %s $@) bytes)"

$(HYP_ELF): $(HYP_OBJS) $(HYP_LDS) | $(STAMPS)/pkgs-hyp
	$(Q)$(HYP_CC) $(HYP_LDFLAGS) -T $(HYP_LDS) -o $@ $(HYP_OBJS) \
		$(HYP_LIBFDT) -lgcc

$(HYP_LDS): hyp/hyp.lds.S hyp/hyp.h | $(STAMPS)/pkgs-hyp
	$(Q)mkdir -p $(@D)
	$(Q)$(HYP_CC) -E -P -undef -x c -D__ASSEMBLER__ -DLINKER_SCRIPT $(HYP_DEFS) -Ihyp \
		$< -o $@

# libfdt.h and fdt.h from Debian, without the rest of the host's
# /usr/include; hyp/libfdt_env.h replaces the libc-based environment.
$(HYP_FDT_INC)/.stamp: | $(STAMPS)/pkgs-hyp
	$(Q)mkdir -p $(@D)
	$(Q)cp /usr/include/libfdt.h /usr/include/fdt.h $(@D)/
	$(Q)touch $@

# Every object depends on the Makefile fragments: HOST_IMAGE_ADDR and the
# flags are compiled in.
$(HYP_DIR)/obj/%.o: %.c $(HYP_FDT_INC)/.stamp mk/hyp.mk mk/core.mk \
		| $(STAMPS)/pkgs-hyp
	$(Q)mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(HYP_CC) $(HYP_CFLAGS) -MMD -MP -c $< -o $@

$(HYP_DIR)/obj/%.o: %.S mk/hyp.mk | $(STAMPS)/pkgs-hyp
	$(Q)mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(HYP_CC) $(HYP_ASFLAGS) -MMD -MP -c $< -o $@

# A rebuild when HOST_IMAGE_ADDR changes on the command line.
HYP_CONFIG := $(HYP_DIR)/config
$(HYP_CONFIG): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(HYP_DEFS)' | cmp -s - $@ 2>/dev/null || echo '$(HYP_DEFS)' >$@
$(HYP_OBJS) $(HYP_LDS): $(HYP_CONFIG)

.PHONY: FORCE
FORCE:

-include $(HYP_OBJS:.o=.d)

# Full-stack boot: what the hypervisor prints on the way, on top of the
# host's own checks, the host's attempt to read hypervisor memory, and a
# CPU started by PSCI CPU_ON at an instruction fetch from MMIO.
INITRAMFS_EXTRA += tests/qemu/10-hyp-memory.sh:/demo.d/10-hyp-memory.sh \
	tests/qemu/20-cpu-on-mmio.sh:/demo.d/20-cpu-on-mmio.sh
$(INITRAMFS): tests/qemu/10-hyp-memory.sh tests/qemu/20-cpu-on-mmio.sh
HYP_BOOT_CHECKS = --expect 'S2OWN-HYP: selftest passed' \
	--expect 'S2OWN-HYP: guest selftest passed' \
	--expect 'S2OWN-TEST: PASS host read of hypervisor memory refused' \
	--expect 'S2OWN-TEST: PASS host alive after the refused read' \
	--expect 'S2OWN-TEST: PASS CPU started at an MMIO fetch takes an instruction abort at EL1' \
	--expect 'S2OWN-TEST: PASS cpu [0-9]+ comes back online after the abort' \
	--forbid 'S2OWN-TEST: FAIL' \
	--expect 'S2OWN-HYP: entering host at EL1' \
	$(foreach n,$(shell seq 0 $$(($(CPUS) - 1))),--expect 'S2OWN-HYP: cpu $(n) up')

hyp-test: $(QEMU_HYP_DEPS)
	$(Q)$(QEMU_BOOT_TEST) --name hyp $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
		$(HYP_BOOT_CHECKS) --log $(BUILD)/hyp-test.log $(QEMU_EXTRA_ARGS)
