# SPDX-License-Identifier: GPL-2.0-only
#
# s2own: one Makefile drives everything. `make help` lists the targets.
# Each mk/*.mk fragment owns one layer; this file only ties them together.

BUILD ?= build
STAMPS := $(BUILD)/stamps
Q ?= @

.DEFAULT_GOAL := help
.PHONY: help test run clean
# Stamps record installs; make must not delete them as intermediates.
.SECONDARY:

help:
	@echo "make run     boot the hypervisor + Debian Linux under QEMU, demo"
	@echo "make test    every test: unit, stress, fuzz, model check, QEMU"
	@echo "make unit    host-built cmocka tests of ownership/"
	@echo "make hyp     the EL2 image, $(BUILD)/hyp/s2own-hyp.bin"
	@echo "make hyp-test  boot it with Linux under QEMU and check"
	@echo "make guest   the in-tree protected guest, $(BUILD)/guest/s2own-guest.bin"
	@echo "make driver  the host driver, $(BUILD)/host-driver/s2own.ko"
	@echo "make driver-fmt-test  the driver's text formats, on this machine"
	@echo "make driver-test  boot with the driver and run its checks"
	@echo "make vmm     the VMM, $(BUILD)/vmm/s2own-vmm (static aarch64)"
	@echo "make vmm-opts-test  its option parsing, on this machine"
	@echo "make verify  model-check the walker protocol with spin"
	@echo "make explore every interleaving of the core, bound 2, mutants"
	@echo "make verify-deep  the explorer's deep run: higher bound, PCT"
	@echo "make stress  long pthread stress, TSan, ASan, all sync modes"
	@echo "make bench   lock vs refcount vs RCU: throughput, instructions"
	@echo "make bench-ops  instructions per call of the core, host build"
	@echo "make fuzz    long libFuzzer run of the core against the model"
	@echo "make measure s2own vs pKVM vs bare Linux: instructions, boot, memory"
	@echo "make measure-profile  where EL2's instructions go, call by call"
	@echo "make svg     maps of the host stage-2 from the last make run"
	@echo "make clean   remove $(BUILD)/"

include mk/core.mk
include mk/deps.mk
include mk/unit.mk
include mk/fuzz.mk
include mk/linux.mk
include mk/qemu.mk
include mk/hyp.mk
include mk/guest.mk
include mk/driver.mk
include mk/vmm.mk
include mk/stress.mk
include mk/bench.mk
include mk/verify.mk
include mk/explore.mk
include mk/measure.mk
include mk/trace.mk

test: unit stress-short fuzz-short verify explore driver-fmt-test \
	trace-fmt-test vmm-opts-test hyp-test driver-test driver-test-big svg-test

# The demo prints its dumps: their maps, in $(BUILD)/ (mk/trace.mk).
run: qemu-run
	$(Q)$(SVG_FROM_LOG) || echo "no host stage-2 dump in $(SVG_LOG): no map"

clean:
	rm -rf $(BUILD)
