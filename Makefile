# SPDX-License-Identifier: GPL-2.0
#
# The repository root is the acceldev module.
#
#   make                 build acceldev.ko for the running kernel
#   make KDIR=<tree>     ... against another kernel build tree
#   make W=1 C=1         ... with extra warnings and sparse
#   make check           build everything and run the full test suite
#                        (tools/vmtest --all: QEMU model, VM, both kernels)
#   make tools           build libacceldev and the acceldev-* tools into
#                        build/ (see tools/Makefile)
#   make install         install them: PREFIX=/usr/local, DESTDIR=
#   make dkms-src        the module's sources and dkms.conf into
#                        $(DESTDIR)/usr/src/acceldev-$(VERSION)
#   make dkms-install    ... and `dkms install` them for the running kernel
#   make dist            acceldev-$(VERSION).tar.gz in $(DISTDIR) (default
#                        here): the module's sources, Makefile, Kbuild,
#                        README, Documentation (course submission layout)
#   make clean           the module's and the tools' build products

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	@test -f $(KDIR)/Makefile || { \
	  echo "No kernel build tree at $(KDIR)."; \
	  echo "Install linux-headers-\$$(uname -r), or pass KDIR=<tree>; tools/vmtest keeps"; \
	  echo "Debian's 6.12 headers in its cache (see tools/vm/README.md)."; \
	  exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@if [ -d tools ]; then $(MAKE) tools-clean; fi

# User space (library and tools): out of tree, in $(BUILD).
BUILD ?= $(CURDIR)/build

tools:
	$(MAKE) -C tools O=$(BUILD)

install:
	$(MAKE) -C tools O=$(BUILD) install

tools-clean:
	$(MAKE) -C tools O=$(BUILD) clean
	rmdir $(BUILD) 2>/dev/null || true

check:
	tools/vmtest --all

# Packaging. The module's sources: what Kbuild builds, and what a
# submission or a DKMS tree must hold.
VERSION ?= $(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null || echo 0)
MODULE_SRCS = Kbuild Makefile README.md \
	$(wildcard core/*.[ch] dispatch/*.[ch] mm/*.[ch] uapi/*.h)
DKMS_DIR = $(DESTDIR)/usr/src/acceldev-$(VERSION)

dkms-src:
	install -d $(DKMS_DIR)
	tar -C $(CURDIR) -cf - $(MODULE_SRCS) | tar -C $(DKMS_DIR) -xf -
	sed 's/@VERSION@/$(VERSION)/' tools/dkms/dkms.conf >$(DKMS_DIR)/dkms.conf

dkms-install: dkms-src
	dkms install acceldev/$(VERSION)

DISTDIR ?= $(CURDIR)

dist:
	rm -rf $(BUILD)/dist/acceldev-$(VERSION)
	install -d $(BUILD)/dist/acceldev-$(VERSION)
	tar -C $(CURDIR) -cf - $(MODULE_SRCS) Documentation | \
		tar -C $(BUILD)/dist/acceldev-$(VERSION) -xf -
	tar -C $(BUILD)/dist -czf $(DISTDIR)/acceldev-$(VERSION).tar.gz \
		acceldev-$(VERSION)
	rm -rf $(BUILD)/dist
	@echo "$(DISTDIR)/acceldev-$(VERSION).tar.gz"

.PHONY: all modules clean check tools install tools-clean dkms-src dkms-install \
	dist
