# SPDX-License-Identifier: GPL-2.0-only
# Booting under QEMU (virt, GICv3, -cpu max). Needs mk/linux.mk.
#
#   make qemu-run        hypervisor + Debian Linux; a shell on a terminal,
#                        else the demo (s2own.demo=1) with a timeout
#   make qemu-run-bare   Debian Linux alone at EL1, same console rules
#   make qemu-bare-test  boot Linux alone to the demo, check the markers
#   make boot-time       time to "S2OWN: init reached", bare and under the
#                        hypervisor, and their ratio
#
# Variables: CPUS, MEM, HOST_IMAGE_ADDR (where QEMU copies the Linux Image
# for the hypervisor; mk/hyp.mk defaults it), HYP_IMAGE, QEMU_TIMEOUT
# (seconds, for runs without a terminal; interactive ones have none),
# QEMU_APPEND (more Linux command line), ICOUNT=1 (deterministic
# instruction counting), QEMU_CPU (default max; max,pauth-impdef=on is
# about 2.5x faster under TCG), QEMU_EXTRA (more QEMU arguments).
#
# For a boot test of the full stack, e.g. in mk/hyp.mk:
#   $(QEMU_BOOT_TEST) --name hyp $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
#       --expect 'S2OWN-HYP: ...'
# with $(QEMU_HYP_DEPS) as prerequisites.

PKGS_qemu := qemu-system-arm

HYP_IMAGE ?= $(BUILD)/hyp/s2own-hyp.bin
CPUS ?= 4
MEM ?= 2G
QEMU_TIMEOUT ?= 300
QEMU_APPEND ?=
QEMU_EXTRA ?=
ICOUNT ?= 0
QEMU_CPU ?= max

QEMU_RUN := scripts/qemu-run.sh
QEMU_BOOT_TEST := scripts/qemu-boot-test.sh

QEMU_COMMON_ARGS = --cpus $(CPUS) --cpu $(QEMU_CPU) --mem $(MEM) --initrd $(INITRAMFS) \
	--batch-timeout $(QEMU_TIMEOUT) $(if $(filter 1,$(ICOUNT)),--icount) \
	$(if $(strip $(QEMU_APPEND)),--append '$(strip $(QEMU_APPEND))')
QEMU_EXTRA_ARGS = $(if $(strip $(QEMU_EXTRA)),-- $(QEMU_EXTRA))
QEMU_HYP_ARGS = --mode hyp --kernel $(HYP_IMAGE) --host-image $(LINUX_IMAGE) \
	--host-addr $(HOST_IMAGE_ADDR) $(QEMU_COMMON_ARGS)
QEMU_BARE_ARGS = --mode bare --kernel $(LINUX_IMAGE) $(QEMU_COMMON_ARGS)
QEMU_BARE_DEPS = $(LINUX_IMAGE) $(INITRAMFS) | $(STAMPS)/pkgs-qemu
QEMU_HYP_DEPS = $(HYP_IMAGE) $(LINUX_IMAGE) $(INITRAMFS) | $(STAMPS)/pkgs-qemu

# What no boot may show: a panic, at EL2 or EL1, an oops, a warning.
BOOT_FORBID = --forbid 'Kernel panic' --forbid 'S2OWN-HYP: PANIC' \
	--forbid 'Internal error:' --forbid 'Unable to handle kernel' \
	--forbid 'BUG:' --forbid 'WARNING:' --forbid 'Call trace:'

# What every demo boot must show (grep -E patterns); extend with +=.
BOOT_CHECKS = --expect 'S2OWN: init reached' \
	--expect 'S2OWN: cpus online $(CPUS) ' \
	--expect 'S2OWN: exception level EL1' \
	--expect 'S2OWN: demo done failures=0' \
	$(BOOT_FORBID)

.PHONY: qemu-run qemu-run-bare qemu-bare-test boot-time

qemu-run: $(QEMU_HYP_DEPS)
	$(Q)$(QEMU_RUN) $(QEMU_HYP_ARGS) --log $(BUILD)/qemu-run.log $(QEMU_EXTRA_ARGS)

qemu-run-bare: $(QEMU_BARE_DEPS)
	$(Q)$(QEMU_RUN) $(QEMU_BARE_ARGS) --log $(BUILD)/qemu-run-bare.log $(QEMU_EXTRA_ARGS)

qemu-bare-test: $(QEMU_BARE_DEPS)
	$(Q)$(QEMU_BOOT_TEST) --name bare $(QEMU_BARE_ARGS) $(BOOT_CHECKS) \
		--log $(BUILD)/qemu-bare-test.log $(QEMU_EXTRA_ARGS)

# Both boots in one go; the ratio is the hypervisor's boot overhead.
boot-time: $(QEMU_HYP_DEPS)
	$(Q)$(QEMU_BOOT_TEST) --name bare $(QEMU_BARE_ARGS) $(BOOT_CHECKS) \
		--log $(BUILD)/boot-time-bare.log \
		--time-file $(BUILD)/boot-time.bare $(QEMU_EXTRA_ARGS)
	$(Q)$(QEMU_BOOT_TEST) --name hyp $(QEMU_HYP_ARGS) $(BOOT_CHECKS) \
		--log $(BUILD)/boot-time-hyp.log \
		--time-file $(BUILD)/boot-time.hyp $(QEMU_EXTRA_ARGS)
	$(Q)awk -v b="$$(cat $(BUILD)/boot-time.bare)" \
		-v h="$$(cat $(BUILD)/boot-time.hyp)" 'BEGIN { \
		printf "boot time to init: bare %.2f s, hyp %.2f s, ratio %.2f\n", \
		b, h, h / b }'
