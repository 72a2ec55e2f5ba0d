# SPDX-License-Identifier: GPL-2.0-only
# Measurements of the hypervisor's cost under QEMU (docs/measurements.md).
# Include after mk/linux.mk, mk/qemu.mk and mk/hyp.mk (their variables are
# used in rules here).
#
#   make measure   boot time to init, bare Linux vs under s2own, wall and
#                  -icount; instructions per hypercall (HVC round trip,
#                  donate/reclaim of a page and of a 2M chunk), counted by
#                  the PMU under -icount: one table
#
# Bare Linux boots with the same QEMU flags as the hypervisor
# (virtualization=on) and the same command line: kvm-arm.mode=none
# id_aa64mmfr1.vh=0 keeps Debian's kernel at EL1 with only its own hyp stub
# at EL2 (no VHE, no KVM); under s2own both are no-ops (Linux starts at
# EL1). Each boot loads tests/qemu/measure/s2own_measure.ko from its own
# initramfs ($(MEASURE_INITRAMFS): the base image plus the module and
# /demo.d/90-measure.sh, nothing from INITRAMFS_EXTRA, so no other demo
# step runs or changes the host stage-2 first).
#
# Variables: MEASURE_RUNS (boots of each kind, alternating bare and hyp;
# default 3), MEASURE_ICOUNT_RUNS (the same under -icount, where the
# instructions are counted; default 1: the counts are the same from one
# boot to the next, the virtual boot times within 0.1%), MEASURE_ITERS
# (runs of each instruction measurement in a boot, median reported),
# MEASURE_TIMEOUT (seconds per boot); CPUS, MEM, QEMU_CPU, QEMU_APPEND,
# QEMU_EXTRA, HOST_IMAGE_ADDR as for every boot. ICOUNT is ignored: measure
# does both kinds of boot itself. Logs and the report: $(MEASURE_DIR).

MEASURE_DIR := $(BUILD)/measure
MEASURE_MOD_DIR := $(MEASURE_DIR)/module
MEASURE_KO := $(MEASURE_MOD_DIR)/s2own_measure.ko
MEASURE_MOD_SRCS := tests/qemu/measure/s2own_measure.c \
	tests/qemu/measure/Kbuild
MEASURE_STEP := tests/qemu/measure/90-measure.sh
MEASURE_REPORT := tests/qemu/measure/report.sh
MEASURE_INITRAMFS := $(MEASURE_DIR)/initramfs.cpio.gz
MEASURE_LOGS := $(MEASURE_DIR)/logs
MEASURE_RUNS ?= 3
MEASURE_ICOUNT_RUNS ?= 1
MEASURE_ITERS ?= 5
MEASURE_TIMEOUT ?= 180

.PHONY: measure measure-module

measure-module: $(MEASURE_KO)

$(MEASURE_KO): $(MEASURE_MOD_SRCS) $(wildcard abi/*.h) host-driver/s2own_dt.h \
		mk/measure.mk $(LINUX_HEADERS_STAMP)
	$(Q)mkdir -p $(MEASURE_MOD_DIR)
	$(Q)cp -p $(MEASURE_MOD_SRCS) $(MEASURE_MOD_DIR)/
	$(Q)$(MAKE) -C $(LINUX_HEADERS) M=$(abspath $(MEASURE_MOD_DIR)) \
		$(KBUILD_ARGS) S2OWN_ABI_INC=$(abspath abi) \
		S2OWN_DRV_INC=$(abspath host-driver) modules

MEASURE_INITRAMFS_FILES := $(MEASURE_KO):/lib/modules/s2own_measure.ko \
	$(MEASURE_STEP):/demo.d/90-measure.sh

$(MEASURE_INITRAMFS): scripts/mkinitramfs.sh $(INITRAMFS_SRC) $(MEASURE_KO) \
		$(MEASURE_STEP) $(BUSYBOX_DIR)/.deb-version | $(STAMPS)/pkgs-initramfs
	$(Q)EXTRA_FILES='$(MEASURE_INITRAMFS_FILES)' \
		scripts/mkinitramfs.sh $@ $(BUSYBOX_DIR) initramfs

# The same machine, CPU and command line for both kinds of boot.
MEASURE_APPEND := kvm-arm.mode=none id_aa64mmfr1.vh=0 \
	s2own.measure.iters=$(MEASURE_ITERS) $(QEMU_APPEND)
MEASURE_COMMON = --cpus $(CPUS) --cpu $(QEMU_CPU) --mem $(MEM) \
	--initrd $(MEASURE_INITRAMFS) --batch-timeout $(MEASURE_TIMEOUT) \
	--append '$(strip $(MEASURE_APPEND))'
MEASURE_ARGS_hyp = --mode hyp --kernel $(HYP_IMAGE) \
	--host-image $(LINUX_IMAGE) --host-addr $(HOST_IMAGE_ADDR) \
	$(MEASURE_COMMON) \
	--expect 'S2OWN: exception level EL1' \
	--expect 'S2OWN-HYP: selftest passed' \
	--expect 'S2OWN-MEASURE: info el2 s2own'
# Linux entered at EL2 (hence "started at EL2"), dropped to EL1 and stayed.
MEASURE_ARGS_bare = --mode bare --virt --kernel $(LINUX_IMAGE) \
	$(MEASURE_COMMON) \
	--expect 'CPU: All CPU\(s\) started at EL2' \
	--expect 'SYS_ID_AA64MMFR1_EL1\[11:8\]: forced to 0' \
	--expect 'KVM disabled from command line' \
	--expect 'S2OWN-MEASURE: info el2 linux-stub' \
	--forbid 'Virtualization Host Extensions'
MEASURE_CHECKS = --expect 'S2OWN: init reached' \
	--expect 'S2OWN: cpus online $(CPUS) ' \
	--expect 'S2OWN-MEASURE: info kernel-el 1' \
	--expect 'S2OWN-MEASURE: done errors=0' \
	--expect 'S2OWN-MEASURE: step rc=0' \
	--expect 'S2OWN: demo done failures=0' \
	--forbid 'S2OWN-MEASURE: error' \
	--forbid 'Kernel panic' --forbid 'S2OWN-HYP: PANIC' \
	--forbid 'Internal error:' --forbid 'Unable to handle kernel' \
	--forbid 'BUG:' --forbid 'WARNING:' --forbid 'Call trace:'

# boot NAME ARGS...: one checked boot; its console in $(MEASURE_LOGS)/NAME.log,
# the seconds to "S2OWN: init reached" in NAME.time. The whole report of a
# failed boot is shown.
MEASURE_BOOT = boot() { \
	n=$$1; shift; \
	if $(QEMU_BOOT_TEST) --name "$$n" "$$@" $(MEASURE_CHECKS) \
		--log $(MEASURE_LOGS)/$$n.log --time-file $(MEASURE_LOGS)/$$n.time \
		$(QEMU_EXTRA_ARGS) >$(MEASURE_LOGS)/$$n.out 2>&1; then \
		echo "measure: $$n: init after $$(cat $(MEASURE_LOGS)/$$n.time) s"; \
	else \
		cat $(MEASURE_LOGS)/$$n.out; echo "measure: $$n FAILED"; exit 1; \
	fi; }

measure: $(HYP_IMAGE) $(LINUX_IMAGE) $(MEASURE_INITRAMFS) $(MEASURE_REPORT) \
		| $(STAMPS)/pkgs-qemu
	$(Q)rm -rf $(MEASURE_LOGS) && mkdir -p $(MEASURE_LOGS)
	$(Q)$(MEASURE_BOOT); set -e; \
	for i in $$(seq 1 $(MEASURE_RUNS)); do \
		boot bare-$$i $(MEASURE_ARGS_bare) --append s2own.measure=el; \
		boot hyp-$$i $(MEASURE_ARGS_hyp) --append s2own.measure=el; \
	done; \
	for i in $$(seq 1 $(MEASURE_ICOUNT_RUNS)); do \
		boot bare-icount-$$i $(MEASURE_ARGS_bare) --icount \
			--append s2own.measure=full; \
		boot hyp-icount-$$i $(MEASURE_ARGS_hyp) --icount \
			--append s2own.measure=full; \
	done
	$(Q)qemu=$$(qemu-system-aarch64 --version | \
		sed -n '1s/.*version \([^ ]*\).*/\1/p'); \
	$(MEASURE_REPORT) $(MEASURE_LOGS) $(MEASURE_RUNS) $(MEASURE_ICOUNT_RUNS) \
		"QEMU $$qemu TCG, -cpu $(QEMU_CPU), $(CPUS) CPUs, $(MEM); Linux $$(cat $(LINUX_VERSION_FILE))" \
		>$(MEASURE_DIR)/report.txt
	$(Q)cat $(MEASURE_DIR)/report.txt
