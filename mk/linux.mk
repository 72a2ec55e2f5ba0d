# SPDX-License-Identifier: GPL-2.0-only
# The host side that QEMU boots: Debian's unmodified arm64 kernel, its
# headers (for the out-of-tree host driver) and the busybox initramfs.
# Packages are downloaded, never installed: see scripts/fetch-linux.sh.
#
# The kernel version comes from the linux-image-arm64 metapackage the first
# time and then stays as fetched ($(LINUX_DIR)/version) until `make clean`,
# so the image, the headers and any module built against them always match.
#
# Adding a file to the initramfs (e.g. the host driver), from another
# fragment:
#   INITRAMFS_EXTRA += $(BUILD)/host-driver/s2own.ko:/lib/modules/s2own.ko
#   $(INITRAMFS): $(BUILD)/host-driver/s2own.ko
# (the second line makes a new .ko rebuild the archive; a change in the
# list alone is noticed through $(INITRAMFS_LIST)). Scripts put in
# /demo.d/NN-name.sh are run in order by /demo.sh in the demo boot.

LINUX_DIR := $(BUILD)/linux
LINUX_IMAGE := $(LINUX_DIR)/Image
LINUX_VERSION_FILE := $(LINUX_DIR)/version
LINUX_HEADERS := $(LINUX_DIR)/headers
LINUX_HEADERS_STAMP := $(STAMPS)/linux-headers
DEBS_DIR := $(BUILD)/debs
BUSYBOX_DIR := $(BUILD)/busybox
INITRAMFS := $(BUILD)/initramfs.cpio.gz
INITRAMFS_LIST := $(BUILD)/initramfs.extra
INITRAMFS_SRC := $(shell find initramfs -type f 2>/dev/null)
INITRAMFS_EXTRA ?=

# Building a module against $(LINUX_HEADERS):
#   $(MAKE) -C $(LINUX_HEADERS) M=$(abspath dir) $(KBUILD_ARGS)
# with $(LINUX_HEADERS_STAMP) as a prerequisite (it also brings the
# cross compiler, $(STAMPS)/pkgs-kbuild).
KBUILD_ARGS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

# The headers' Makefile calls aarch64-linux-gnu-gcc-12, a dependency of
# gcc-aarch64-linux-gnu on bookworm.
PKGS_kbuild := gcc-aarch64-linux-gnu make
PKGS_initramfs := cpio gzip

.PHONY: linux linux-headers initramfs s2own-initramfs-list

linux: $(LINUX_IMAGE)

$(LINUX_IMAGE): scripts/fetch-linux.sh
	$(Q)scripts/fetch-linux.sh image $(LINUX_DIR) $(DEBS_DIR)

linux-headers: $(LINUX_HEADERS_STAMP)

$(LINUX_HEADERS_STAMP): $(LINUX_IMAGE) scripts/fetch-linux.sh | $(STAMPS)/pkgs-kbuild
	$(Q)scripts/fetch-linux.sh headers $(LINUX_DIR) $(DEBS_DIR)
	$(Q)mkdir -p $(@D)
	$(Q)touch $@

$(BUSYBOX_DIR)/.deb-version: scripts/fetch-linux.sh
	$(Q)scripts/fetch-linux.sh deb busybox-static:arm64 $(BUSYBOX_DIR) $(DEBS_DIR)

initramfs: $(INITRAMFS)

# Rewritten only when INITRAMFS_EXTRA changes, so the archive follows it.
$(INITRAMFS_LIST): s2own-initramfs-list
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(strip $(INITRAMFS_EXTRA))' | cmp -s - $@ 2>/dev/null || \
		echo '$(strip $(INITRAMFS_EXTRA))' >$@

$(INITRAMFS): scripts/mkinitramfs.sh $(INITRAMFS_SRC) $(INITRAMFS_LIST) \
		$(BUSYBOX_DIR)/.deb-version | $(STAMPS)/pkgs-initramfs
	$(Q)EXTRA_FILES='$(strip $(INITRAMFS_EXTRA))' \
		scripts/mkinitramfs.sh $@ $(BUSYBOX_DIR) initramfs
