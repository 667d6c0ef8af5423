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

clean: tools-clean
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

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

.PHONY: all modules clean check tools install tools-clean
