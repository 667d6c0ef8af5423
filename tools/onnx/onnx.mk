# SPDX-License-Identifier: GPL-2.0
#
# tools/onnx: libacceldev_ep.so (ONNX Runtime plugin EP) and acceldev-onnx.
# Included by tools/Makefile; built only when ORT_INCLUDE names a folder
# with onnxruntime_c_api.h (API 29) and ORT_LIBDIR one with
# libonnxruntime.so.1 (tools/vm/onnx.sh fetches both into the bench cache;
# see tools/onnx/README.md). Always dynamic (ONNX Runtime is a shared
# library), even with STATIC=1.

ONNX_SRC := $(TOOLS)/onnx
EP_SO := $(O)/lib/libacceldev_ep.so
ONNX_TOOL := $(O)/bin/acceldev-onnx
ONNX_CPPFLAGS := -D_GNU_SOURCE -I$(ORT_INCLUDE) -I$(LIBDIR_SRC)/include -I$(ONNX_SRC) $(CPPFLAGS)
EP_OBJS := $(addprefix $(O)/obj/onnx-,ep.o opcheck.o fillplan.o devmem.o stats.o)
ONNX_HDRS := $(wildcard $(ONNX_SRC)/*.h) $(HDR)

# examples/: loading the EP from C and from C++ (README.md); not installed
EXAMPLES := $(O)/bin/acceldev-ep-example $(O)/bin/acceldev-ep-example-cxx
CXX ?= g++

ifneq ($(ORT_INCLUDE),)
all: $(EP_SO) $(ONNX_TOOL) $(EXAMPLES)
install: install-onnx
endif
onnx: $(EP_SO) $(ONNX_TOOL) $(EXAMPLES)

# acceldev-onnx finds the EP at <its folder>/../lib/libacceldev_ep.so
install-onnx: $(EP_SO) $(ONNX_TOOL)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)
	install -m 0755 $(EP_SO) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(ONNX_TOOL) $(DESTDIR)$(BINDIR)/

$(O)/obj/onnx-%.o: $(ONNX_SRC)/%.c $(ONNX_HDRS) | $(O)/obj
	@test -f $(ORT_INCLUDE)/onnxruntime_c_api.h || \
		{ echo "ORT_INCLUDE=$(ORT_INCLUDE): no onnxruntime_c_api.h (see tools/onnx/README.md)"; exit 1; }
	$(CC) $(ONNX_CPPFLAGS) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -c -o $@ $<

# libacceldev linked in (its objects are -fPIC); only the EP's three
# functions are exported (onnx/ep.map)
$(EP_SO): $(EP_OBJS) $(LIB_A) $(ONNX_SRC)/ep.map | $(O)/lib
	$(CC) $(CFLAGS_ALL) -shared -Wl,--version-script=$(ONNX_SRC)/ep.map -Wl,-z,defs \
		-o $@ $(EP_OBJS) $(LIB_A) -lm -pthread $(LDFLAGS)

$(ONNX_TOOL): $(ONNX_SRC)/acceldev-onnx.c $(O)/obj/onnx-tensorproto.o $(ONNX_HDRS) | $(O)/bin
	@test -f $(ORT_LIBDIR)/libonnxruntime.so.1 || \
		{ echo "ORT_LIBDIR=$(ORT_LIBDIR): no libonnxruntime.so.1 (see tools/onnx/README.md)"; exit 1; }
	$(CC) $(ONNX_CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(O)/obj/onnx-tensorproto.o \
		$(ORT_LINK) -ldl -pthread $(LDFLAGS)

ORT_LINK := $(ORT_LIBDIR)/libonnxruntime.so.1 -Wl,-rpath,$(ORT_LIBDIR)

$(O)/bin/acceldev-ep-example: $(ONNX_SRC)/examples/ep_example.c | $(O)/bin
	$(CC) -I$(ORT_INCLUDE) $(CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(ORT_LINK) $(LDFLAGS)

$(O)/bin/acceldev-ep-example-cxx: $(ONNX_SRC)/examples/ep_example.cc | $(O)/bin
	$(CXX) -I$(ORT_INCLUDE) $(CPPFLAGS) -std=c++17 -Wall -Wextra -Werror $(CFLAGS) -o $@ $< \
		$(ORT_LINK) $(LDFLAGS)

# tests/tensorproto_test.c: host-side, never installed (tools/vm/onnx.sh
# runs it in the onnx-host group)
TP_TEST := $(O)/bin/tensorproto-test
onnx-host-tests: $(TP_TEST)

$(TP_TEST): $(ONNX_SRC)/tests/tensorproto_test.c $(O)/obj/onnx-tensorproto.o $(ONNX_HDRS) | $(O)/bin
	$(CC) $(ONNX_CPPFLAGS) $(CFLAGS_ALL) -o $@ $< $(O)/obj/onnx-tensorproto.o $(LDFLAGS)

.PHONY: onnx install-onnx onnx-host-tests
