# SPDX-License-Identifier: GPL-2.0-only
# The host driver, s2own.ko: an out-of-tree module for Debian's arm64
# kernel (mk/linux.mk fetches it and its headers), its test module
# s2own_test.ko (the storm and the hypercall fuzzer, tests/qemu/hvc-test/),
# and their scripts in the initramfs. Needs mk/linux.mk, mk/qemu.mk and,
# for driver-test, mk/hyp.mk.
#
#   make driver            $(DRIVER_KO)
#   make hvc-test-module   $(HVC_TEST_KO), built against $(DRIVER_KO)'s
#                          exports (its Module.symvers)
#   make driver-fmt-test   the ptdump/stats text formats, on the build
#                          machine (no kernel, no QEMU)
#   make driver-test       boot the hypervisor and Linux with s2own.test=1:
#                          host-driver/initramfs/60-s2own-test.sh runs the
#                          driver's checks, every one must PASS; among
#                          them a hypercall fuzz of 50000 calls
#   make fuzz-qemu         the same with FUZZ_QEMU_CALLS (1000000) fuzz
#                          calls, FUZZ_QEMU_SEED to choose the seed (part
#                          of make fuzz)
#
# The sources of each module are copied to a folder of $(BUILD) and built
# there (M=), so the source tree never sees a build product. Kbuild finds
# abi/s2own_abi.h through S2OWN_ABI_INC, and the test module the driver's
# headers through S2OWN_DRV_INC.
#
# Every boot of the demo initramfs (make run, hyp-test, qemu-bare-test)
# gets both modules and /demo.d/50-s2own-demo.sh, which tells the
# donate/split/reclaim/coalesce story in a few seconds with s2own.ko alone;
# it skips itself (and shows that the module refuses to load) on a boot
# without the hypervisor. The tests in /demo.d/60-s2own-test.sh only run
# when the kernel command line has s2own.test=1, which driver-test adds;
# they load s2own_test.ko for the storm and the fuzz.

DRIVER_DIR := $(BUILD)/host-driver
DRIVER_KO := $(DRIVER_DIR)/s2own.ko
DRIVER_SRCS := $(wildcard host-driver/*.c host-driver/*.h) host-driver/Kbuild
DRIVER_SCRIPTS := $(wildcard host-driver/initramfs/*.sh)
DRIVER_TEST_LOG := $(BUILD)/driver-test.log
# Enough for the boot, the demo, the tests, a 10 s storm and the fuzz
# under TCG.
DRIVER_TEST_TIMEOUT ?= 900

HVC_TEST_DIR := $(BUILD)/hvc-test
HVC_TEST_KO := $(HVC_TEST_DIR)/s2own_test.ko
HVC_TEST_SRCS := $(wildcard tests/qemu/hvc-test/*.c tests/qemu/hvc-test/*.h \
	tests/qemu/hvc-test/*.S) \
	tests/qemu/hvc-test/Kbuild

.PHONY: driver hvc-test-module driver-test driver-fmt-test fuzz-qemu

driver: $(DRIVER_KO)

hvc-test-module: $(HVC_TEST_KO)

# kbuild_module DIR SRCS MAKE-ARGS: copy SRCS to DIR, build the module
# there; touch the target, which kbuild leaves alone when it is up to date
# as far as kbuild can tell (after a change of this file, say).
kbuild_module = mkdir -p $(1) && cp -p $(2) $(1)/ && \
	$(MAKE) -C $(LINUX_HEADERS) M=$(abspath $(1)) $(KBUILD_ARGS) \
		S2OWN_ABI_INC=$(abspath abi) $(3) modules && touch $@

$(DRIVER_KO): $(DRIVER_SRCS) $(wildcard abi/*.h) mk/driver.mk $(LINUX_HEADERS_STAMP)
	$(Q)$(call kbuild_module,$(DRIVER_DIR),$(DRIVER_SRCS))

# Module.symvers comes with $(DRIVER_KO).
$(HVC_TEST_KO): $(HVC_TEST_SRCS) $(DRIVER_KO) $(wildcard abi/*.h) mk/driver.mk
	$(Q)$(call kbuild_module,$(HVC_TEST_DIR),$(HVC_TEST_SRCS), \
		S2OWN_DRV_INC=$(abspath host-driver) \
		KBUILD_EXTRA_SYMBOLS=$(abspath $(DRIVER_DIR))/Module.symvers)

# The modules, the demo step and the test step go into every initramfs.
INITRAMFS_EXTRA += $(DRIVER_KO):/lib/modules/s2own.ko \
	$(HVC_TEST_KO):/lib/modules/s2own_test.ko \
	host-driver/initramfs/s2own-lib.sh:/lib/s2own/lib.sh \
	host-driver/initramfs/50-s2own-demo.sh:/demo.d/50-s2own-demo.sh \
	host-driver/initramfs/60-s2own-test.sh:/demo.d/60-s2own-test.sh
$(INITRAMFS): $(DRIVER_KO) $(HVC_TEST_KO) $(DRIVER_SCRIPTS)

DRIVER_FMT_TEST := $(DRIVER_DIR)/test_fmt

driver-fmt-test: $(DRIVER_FMT_TEST)
	$(Q)$(DRIVER_FMT_TEST)

$(DRIVER_FMT_TEST): host-driver/tests/test_fmt.c host-driver/fmt.c \
		host-driver/fmt.h abi/s2own_abi.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iabi -o $@ \
		host-driver/tests/test_fmt.c host-driver/fmt.c

# Every check the test script prints must be there as a PASS.
DRIVER_TEST_CHECKS := host-driver/driver-test.checks

driver-test: $(QEMU_HYP_DEPS) $(DRIVER_TEST_CHECKS)
	$(Q)$(QEMU_BOOT_TEST) --name driver $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
		--checks $(DRIVER_TEST_CHECKS) $(DRIVER_TEST_CHECKS_EXTRA) \
		--append s2own.test=1 \
		--batch-timeout $(DRIVER_TEST_TIMEOUT) \
		--log $(DRIVER_TEST_LOG) $(QEMU_EXTRA_ARGS)

# The same tests at scale (issue 12): 8 CPUs and 8 GiB, RAM above 4G and
# more CPUs than the storm and the fuzz had; a log of its own.
DRIVER_TEST_BIG_LOG := $(BUILD)/driver-test-big.log

.PHONY: driver-test-big
driver-test-big:
	$(Q)$(MAKE) --no-print-directory driver-test CPUS=8 MEM=8G \
		DRIVER_TEST_LOG=$(DRIVER_TEST_BIG_LOG)

FUZZ_QEMU_CALLS ?= 1000000
FUZZ_QEMU_SEED ?=
FUZZ_QEMU_TIMEOUT ?= 3600
FUZZ_QEMU_APPEND := s2own.test=1 s2own.fuzz=$(FUZZ_QEMU_CALLS) \
	$(if $(FUZZ_QEMU_SEED),s2own.fuzz_seed=$(FUZZ_QEMU_SEED))

fuzz-qemu: $(QEMU_HYP_DEPS) $(DRIVER_TEST_CHECKS)
	$(Q)$(QEMU_BOOT_TEST) --name fuzz-qemu $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
		--checks $(DRIVER_TEST_CHECKS) $(DRIVER_TEST_CHECKS_EXTRA) \
		--append '$(strip $(FUZZ_QEMU_APPEND))' \
		--batch-timeout $(FUZZ_QEMU_TIMEOUT) \
		--log $(BUILD)/fuzz-qemu.log $(QEMU_EXTRA_ARGS)
	$(Q)grep -E '^    fuzz: (seed|calls|checks|results|call |result)' \
		$(BUILD)/fuzz-qemu.log
