# SPDX-License-Identifier: GPL-2.0-only
# s2own-vmm, the VMM that runs protected guests through /dev/s2own
# (vmm/, docs/guests.md): a static aarch64 binary for the host's
# initramfs, where it is /bin/s2own-vmm, next to the in-tree guest,
# /lib/s2own/s2own-guest.bin. Needs mk/linux.mk (the initramfs),
# mk/guest.mk (the guest) and mk/driver.mk (the guest tests run in
# driver-test's boot).
#
#   make vmm             $(VMM_BIN)
#   make vmm-opts-test   its option parsing, built for and run on this
#                        machine (no kernel, no QEMU): vmm/tests/opts.sh
#   make guest-test      boot the hypervisor and Linux with
#                        s2own.guest_test=1: the guest tests alone
#                        (GUEST_TEST=spin,hostile: only those sections)
#
# The guest tests are the initramfs step vmm/initramfs/70-s2own-guest-test.sh,
# run by make driver-test (s2own.test=1) after the driver's own; their
# checks are vmm/guest-test.checks.

VMM_CROSS ?= aarch64-linux-gnu-
VMM_CC := $(VMM_CROSS)gcc
VMM_DIR := $(BUILD)/vmm
VMM_BIN := $(VMM_DIR)/s2own-vmm
VMM_SRCS := $(wildcard vmm/*.c)
VMM_HDRS := $(wildcard vmm/*.h) abi/s2own_abi.h

# Debian's arm64 libc for the cross compiler: headers, libc.a, libpthread.
PKGS_vmm := gcc-aarch64-linux-gnu libc6-dev-arm64-cross

VMM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
	-D_GNU_SOURCE -pthread -Iabi
VMM_LDFLAGS := -static -pthread

.PHONY: vmm vmm-opts-test

vmm: $(VMM_BIN)

$(VMM_BIN): $(VMM_SRCS) $(VMM_HDRS) mk/vmm.mk | $(STAMPS)/pkgs-vmm
	$(Q)mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(VMM_CC) $(VMM_CFLAGS) $(VMM_LDFLAGS) -o $@ $(VMM_SRCS)

# The same sources for this machine: only the option parsing runs here.
VMM_HOST_BIN := $(VMM_DIR)/s2own-vmm-host

$(VMM_HOST_BIN): $(VMM_SRCS) $(VMM_HDRS) mk/vmm.mk
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(VMM_CFLAGS) -o $@ $(VMM_SRCS)

vmm-opts-test: $(VMM_HOST_BIN)
	$(Q)vmm/tests/opts.sh $(VMM_HOST_BIN)

VMM_SCRIPTS := $(wildcard vmm/initramfs/*.sh)
# The in-tree guest (mk/guest.mk) goes with it, for the demo and tests.
INITRAMFS_EXTRA += $(VMM_BIN):/bin/s2own-vmm \
	$(GUEST_BIN):/lib/s2own/s2own-guest.bin \
	vmm/initramfs/70-s2own-guest-test.sh:/demo.d/70-s2own-guest-test.sh
$(INITRAMFS): $(VMM_BIN) $(GUEST_BIN) $(VMM_SCRIPTS)

GUEST_TEST_CHECKS := vmm/guest-test.checks
DRIVER_TEST_CHECKS_EXTRA += --checks $(GUEST_TEST_CHECKS)
GUEST_TEST_TIMEOUT ?= 900
GUEST_TEST ?= 1

.PHONY: guest-test
guest-test: $(QEMU_HYP_DEPS) $(GUEST_TEST_CHECKS)
	$(Q)$(QEMU_BOOT_TEST) --name guest $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
		--checks $(GUEST_TEST_CHECKS) \
		--append s2own.guest_test=$(GUEST_TEST) \
		--batch-timeout $(GUEST_TEST_TIMEOUT) \
		--log $(BUILD)/guest-test.log $(QEMU_EXTRA_ARGS)
