# SPDX-License-Identifier: GPL-2.0-only
# Debian packages, installed on first use. Each fragment lists its group
# as PKGS_<group> and depends on $(STAMPS)/pkgs-<group>; the stamp keeps
# later builds from asking dpkg again.

$(STAMPS)/pkgs-%:
	$(Q)mkdir -p $(STAMPS)
	$(Q)scripts/ensure-packages.sh $(PKGS_$*)
	$(Q)touch $@
