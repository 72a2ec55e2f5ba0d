# SPDX-License-Identifier: GPL-2.0-only
# Model check of the walker-refcount protocol (docs/walker-refcounts.md):
# spin verifies model/walker_refcount.pml exhaustively in every scenario and
# must reject each deliberately broken variant of it.

PKGS_spin := spin gcc
VERIFY_OUT := $(BUILD)/verify

.PHONY: verify
verify: $(STAMPS)/pkgs-spin
	$(Q)mkdir -p $(VERIFY_OUT)
	$(Q)bash model/verify.sh $(VERIFY_OUT)

