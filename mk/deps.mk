# SPDX-License-Identifier: GPL-2.0-only
# Debian packages, installed on first use. A stamp per group keeps later
# builds from asking dpkg again.

HOST_PKGS := libcmocka-dev pkg-config

$(STAMPS)/pkgs-%:
	$(Q)mkdir -p $(STAMPS)
	$(Q)scripts/ensure-packages.sh $(PKGS_$*)
	$(Q)touch $@

PKGS_host := $(HOST_PKGS)
