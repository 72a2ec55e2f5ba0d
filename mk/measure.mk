# SPDX-License-Identifier: GPL-2.0-only
# Measurements of the hypervisor's cost under QEMU (docs/measurements.md).
# Include after mk/linux.mk, mk/qemu.mk and mk/hyp.mk (their variables are
# used in rules here).
#
#   make measure   one table: s2own against real pKVM (the same Debian
#                  kernel with kvm-arm.mode=protected) and bare Linux, all
#                  booted in this run: instructions per hypercall, host
#                  stage-2 fault, share/unshare, refaults (PMU under
#                  -icount), boot overhead at /init and the hypervisor's
#                  memory at each size; then s2own's own operations against
#                  issue 12's targets
#
# Three kinds of boot, with the same QEMU machine (virtualization=on, -cpu
# $(QEMU_CPU)) and command line but for kvm-arm.mode:
#   bare  Debian Linux at EL1 with only its own hyp stub at EL2
#         (kvm-arm.mode=none id_aa64mmfr1.vh=0: no VHE, no KVM)
#   pkvm  the same kernel, entered at EL2, as pKVM (kvm-arm.mode=protected
#         id_aa64mmfr1.vh=0: nVHE; pKVM reserves its own memory)
#   hyp   the same kernel at EL1 under s2own (kvm-arm.mode is a no-op)
# init_on_alloc=0 in all three: the measuring module's fresh 2M chunks stay
# untouched until it writes them (a host stage-2 fault). Each boot loads
# tests/qemu/measure/s2own_measure.ko from its own initramfs
# ($(MEASURE_INITRAMFS): the base image plus the module and
# /demo.d/90-measure.sh, nothing from INITRAMFS_EXTRA, so no other demo
# step runs or changes the host stage-2 first).
#
# The boots, one at a time:
#   MEASURE_RUNS plain boots of each kind at MEM, CPUS (wall time only);
#   MEASURE_ICOUNT_RUNS -icount boots of each kind at MEM, CPUS, measuring;
#   one -icount boot of each kind per MEM:CPUS in MEASURE_SIZES, measuring.
#
# Variables: MEASURE_PKVM (1; 0 leaves pKVM out), MEASURE_KINDS (bare pkvm
# hyp: the kinds of boot; a subset for a quick look), MEASURE_RUNS (1),
# MEASURE_ICOUNT_RUNS (1: the counts are the same from one boot to the
# next, the virtual boot times within 0.1%), MEASURE_SIZES ("8G:$(CPUS)
# 16G:8"; empty for none), MEASURE_ITERS (runs of each instruction
# measurement in a boot, median reported), MEASURE_TIMEOUT (seconds per
# boot at MEM, 180), MEASURE_BIG_TIMEOUT (per boot of MEASURE_SIZES, 600); CPUS, MEM, QEMU_CPU, QEMU_APPEND,
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
MEASURE_RUNS ?= 1
MEASURE_ICOUNT_RUNS ?= 1
MEASURE_ITERS ?= 5
MEASURE_TIMEOUT ?= 180
MEASURE_BIG_TIMEOUT ?= 600
MEASURE_PKVM ?= 1
MEASURE_SIZES ?= 8G:$(CPUS) 16G:8
MEASURE_KINDS := bare $(if $(filter 1,$(MEASURE_PKVM)),pkvm) hyp

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

# The same machine, CPU and command line for every kind of boot, but for
# kvm-arm.mode.
MEASURE_APPEND := id_aa64mmfr1.vh=0 init_on_alloc=0 \
	s2own.measure.iters=$(MEASURE_ITERS) $(QEMU_APPEND)
# $(call measure_args,KIND,MEM,CPUS,TIMEOUT): a boot's arguments and checks.
measure_args = --cpus $(3) --cpu $(QEMU_CPU) --mem $(2) \
	--initrd $(MEASURE_INITRAMFS) --batch-timeout $(4) \
	--append '$(strip $(MEASURE_APPEND))' $(MEASURE_ARGS_$(1)) \
	--expect 'S2OWN: cpus online $(3) ' $(MEASURE_CHECKS)
MEASURE_ARGS_hyp = --mode hyp --kernel $(HYP_IMAGE) \
	--host-image $(LINUX_IMAGE) --host-addr $(HOST_IMAGE_ADDR) \
	--append kvm-arm.mode=none \
	--expect 'S2OWN: exception level EL1' \
	--expect 'S2OWN-HYP: selftest passed' \
	--expect 'S2OWN-HYP: carve-out ' \
	--expect 'S2OWN-MEASURE: info el2 s2own'
# Linux entered at EL2 (hence "started at EL2"), dropped to EL1 and stayed.
MEASURE_ARGS_bare = --mode bare --virt --kernel $(LINUX_IMAGE) \
	--append kvm-arm.mode=none \
	--expect 'CPU: All CPU\(s\) started at EL2' \
	--expect 'SYS_ID_AA64MMFR1_EL1\[11:8\]: forced to 0' \
	--expect 'KVM disabled from command line' \
	--expect 'S2OWN-MEASURE: info el2 linux-stub' \
	--forbid 'Virtualization Host Extensions'
# pKVM: nVHE, its memory reserved, protection finalised; Linux at EL1.
MEASURE_ARGS_pkvm = --mode bare --virt --kernel $(LINUX_IMAGE) \
	--append kvm-arm.mode=protected \
	--expect 'CPU: All CPU\(s\) started at EL2' \
	--expect 'SYS_ID_AA64MMFR1_EL1\[11:8\]: forced to 0' \
	--expect 'kvm \[[0-9]+\]: Reserved [0-9]+ MiB at 0x' \
	--expect 'kvm \[[0-9]+\]: Protected nVHE mode initialized successfully' \
	--expect 'S2OWN-MEASURE: info el2 pkvm' \
	--forbid 'Virtualization Host Extensions'
MEASURE_CHECKS = --expect 'S2OWN: init reached' \
	--expect 'S2OWN-MEASURE: info kernel-el 1' \
	--expect 'S2OWN-MEASURE: done errors=0' \
	--expect 'S2OWN-MEASURE: step rc=0' \
	--expect 'S2OWN: demo done failures=0' \
	--forbid 'S2OWN-MEASURE: error' \
	--forbid 'Kernel panic' --forbid 'S2OWN-HYP: PANIC' \
	--forbid 'Internal error:' --forbid 'Unable to handle kernel' \
	--forbid 'BUG:' --forbid 'WARNING:' --forbid 'Call trace:' \
	--forbid 'hyp BUG'

# MEASURE_SIZES entries are MEM:CPUS; a boot of that size is named
# KIND-MEM-CPUScpu.
measure_mem = $(word 1,$(subst :, ,$(1)))
measure_cpus = $(word 2,$(subst :, ,$(1)))
measure_size_name = $(call measure_mem,$(1))-$(call measure_cpus,$(1))cpu

# boot NAME ARGS...: one checked boot; its console in $(MEASURE_LOGS)/NAME.log,
# the seconds to "S2OWN: init reached" in NAME.time. The whole report of a
# failed boot is shown.
MEASURE_BOOT = boot() { \
	n=$$1; shift; \
	if $(QEMU_BOOT_TEST) --name "$$n" "$$@" \
		--log $(MEASURE_LOGS)/$$n.log --time-file $(MEASURE_LOGS)/$$n.time \
		$(QEMU_EXTRA_ARGS) >$(MEASURE_LOGS)/$$n.out 2>&1; then \
		echo "measure: $$n: init after $$(cat $(MEASURE_LOGS)/$$n.time) s"; \
	else \
		cat $(MEASURE_LOGS)/$$n.out; echo "measure: $$n FAILED"; exit 1; \
	fi; }

measure: $(HYP_IMAGE) $(LINUX_IMAGE) $(MEASURE_INITRAMFS) $(MEASURE_REPORT) \
		| $(STAMPS)/pkgs-qemu
	$(Q)rm -rf $(MEASURE_LOGS) && mkdir -p $(MEASURE_LOGS)
	$(Q)$(MEASURE_BOOT); set -e; start=$$(date +%s); \
	for i in $$(seq 1 $(MEASURE_RUNS)); do \
		$(foreach k,$(MEASURE_KINDS),boot $(k)-$$i \
			$(call measure_args,$(k),$(MEM),$(CPUS),$(MEASURE_TIMEOUT)) \
			--append s2own.measure=el;) \
	done; \
	for i in $$(seq 1 $(MEASURE_ICOUNT_RUNS)); do \
		$(foreach k,$(MEASURE_KINDS),boot $(k)-icount-$$i \
			$(call measure_args,$(k),$(MEM),$(CPUS),$(MEASURE_TIMEOUT)) \
			--icount --append s2own.measure=full;) \
	done; \
	$(foreach s,$(MEASURE_SIZES),$(foreach k,$(MEASURE_KINDS), \
		boot $(k)-$(call measure_size_name,$(s)) \
			$(call measure_args,$(k),$(call measure_mem,$(s)),$(call measure_cpus,$(s)),$(MEASURE_BIG_TIMEOUT)) \
			--icount --append s2own.measure=full;)) \
	echo "measure: $$(( $$(date +%s) - start )) s of boots"
	$(Q)qemu=$$(qemu-system-aarch64 --version | \
		sed -n '1s/.*version \([^ ]*\).*/\1/p'); \
	$(MEASURE_REPORT) $(MEASURE_LOGS) $(MEASURE_RUNS) $(MEASURE_ICOUNT_RUNS) \
		'$(MEM):$(CPUS)' '$(strip $(MEASURE_SIZES))' \
		"QEMU $$qemu TCG, -cpu $(QEMU_CPU); Linux $$(cat $(LINUX_VERSION_FILE))" \
		>$(MEASURE_DIR)/report.txt
	$(Q)cat $(MEASURE_DIR)/report.txt

# make measure-profile: where EL2's instructions go, call by call. One
# -icount boot under s2own as `make measure` makes it (MEASURE_ITERS=1),
# with QEMU logging every instruction of the hypervisor's image
# (-singlestep -d exec,nochain -dfilter; about 1 GB, deleted after), then
# tests/qemu/measure/el2_profile.c reads it: for each kind of call and
# each instruction count, the functions that took them. The report is
# $(MEASURE_PROFILE_DIR)/profile.txt; its rows match make measure's (the
# same boot, the same calls). Emulator instructions, not hardware time.
MEASURE_PROFILE_DIR := $(BUILD)/measure-profile
MEASURE_PROFILER := $(MEASURE_PROFILE_DIR)/el2-profile
MEASURE_PROFILE_LOG := $(MEASURE_PROFILE_DIR)/el2-exec.log

.PHONY: measure-profile

$(MEASURE_PROFILER): tests/qemu/measure/el2_profile.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 $(CWARN) -o $@ $<

measure-profile: $(HYP_IMAGE) $(LINUX_IMAGE) $(MEASURE_PROFILER) \
		| $(STAMPS)/pkgs-qemu
	$(Q)range=$$($(HYP_NM) $(HYP_ELF) | awk \
		'$$3 == "_start" { s = $$1 } $$3 == "__image_end" { e = $$1 } \
		 END { print "0x" s "..0x" e }'); \
	$(MAKE) --no-print-directory measure MEASURE_KINDS=hyp \
		MEASURE_RUNS=0 MEASURE_SIZES= MEASURE_ITERS=1 \
		MEASURE_TIMEOUT=3000 MEASURE_DIR=$(MEASURE_PROFILE_DIR) \
		QEMU_EXTRA="-singlestep -d exec,nochain -dfilter $$range \
			-D $(abspath $(MEASURE_PROFILE_LOG))"
	$(Q)$(HYP_NM) $(HYP_ELF) >$(MEASURE_PROFILE_DIR)/syms.txt
	$(Q)$(MEASURE_PROFILER) $(MEASURE_PROFILE_DIR)/syms.txt \
		$(MEASURE_PROFILE_LOG) >$(MEASURE_PROFILE_DIR)/profile.txt
	$(Q)rm -f $(MEASURE_PROFILE_LOG)
	$(Q)cat $(MEASURE_PROFILE_DIR)/profile.txt
