# One entry point for the whole tree:
#   make                 build criu/criu, crit/crit, compel, soccr, images
#   make test            unit tests and the zdtm suite (needs root)
#   make ASAN=1 [test]   host-side code with AddressSanitizer + UBSan
#   make ARCH=aarch64    cross-build what can be built without arm64 libraries
#   make fuzz            build and run the image reader fuzzer (clang/libFuzzer)
#   make install PREFIX=/usr/local
#   make clean

ARCH		?= x86_64
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
MANDIR		?= $(PREFIX)/share/man
DESTDIR		?=

ifeq ($(ARCH),aarch64)
CROSS_COMPILE	?= aarch64-linux-gnu-
endif
ifeq ($(origin CC),default)
CC		:= $(CROSS_COMPILE)gcc
endif
AR		:= $(CROSS_COMPILE)ar
LD		:= $(CROSS_COMPILE)ld
OBJCOPY		:= $(CROSS_COMPILE)objcopy
PROTOC_C	?= protoc-c
PYTHON		?= python3

# Objects of each flavour live apart, so `make ASAN=1` never links with
# objects of a plain build and vice versa.
FLAVOUR		:= $(ARCH)$(if $(filter 1,$(ASAN)),-asan)
B		:= .build/$(FLAVOUR)
GEN		:= .build/gen

WARNINGS	:= -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
DEPFLAGS	= -MMD -MP -MF $(@:.o=.d)
OPT		?= -O2 -g
CFLAGS_BASE	:= $(OPT) -D_GNU_SOURCE -fno-strict-aliasing -std=gnu11
ifeq ($(ASAN),1)
SANITIZE	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

INCLUDES	:= -Iinclude -Icriu/include -Icompel/include -Iarch/$(ARCH)/include \
		   -Isoccr/include -I$(GEN) -I$(GEN)/images
ifneq ($(ARCH),aarch64)
INCLUDES	+= $(shell pkg-config --cflags libnl-3.0 2>/dev/null)
endif

# Host-side code: everything but the code that runs inside other processes.
CFLAGS		:= $(CFLAGS_BASE) $(WARNINGS) $(SANITIZE) $(INCLUDES) $(EXTRA_CFLAGS)
LDFLAGS		:= $(SANITIZE) $(EXTRA_LDFLAGS)
LIBS		:= -lprotobuf-c -lcap -lnl-3 -lnl-route-3 -lbsd -laio -lpthread

# Use both cores unless the caller chose a job count.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS	+= -j$(shell nproc 2>/dev/null || echo 2)
endif

.DEFAULT_GOAL	:= all
.SUFFIXES:
.DELETE_ON_ERROR:

# ---------------------------------------------------------------- images
PROTOS		:= $(wildcard images/*.proto)
PB_C		:= $(patsubst images/%.proto,$(GEN)/images/%.pb-c.c,$(PROTOS))
PB_H		:= $(PB_C:.c=.h)
PB_O		:= $(patsubst $(GEN)/images/%.pb-c.c,$(B)/images/%.pb-c.o,$(PB_C))
# Keep the generated sources and every object (tests link through chains of
# pattern rules, which would otherwise delete theirs after each build).
.SECONDARY: $(PB_C) $(PB_H)
.PRECIOUS: $(B)/%.o $(B)/test/compel-targets/%

$(GEN)/images/%.pb-c.c $(GEN)/images/%.pb-c.h: images/%.proto $(PROTOS)
	@mkdir -p $(dir $@)
	$(PROTOC_C) --proto_path=images --c_out=$(GEN)/images $<

# Generated code is not ours: build it without -Werror.
$(B)/images/%.pb-c.o: $(GEN)/images/%.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(SANITIZE) -I$(GEN)/images $(DEPFLAGS) -c $< -o $@

# ---------------------------------------------------------------- generic rule
$(B)/%.o: %.c | $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

# ---------------------------------------------------------------- sub-parts
# Each fragment defines its library (COMPEL_LIB, SOCCR_LIB), its extra
# targets and the test binaries it adds to TEST_BINS.
COMPEL_LIB	:=
SOCCR_LIB	:=
TEST_BINS	:=

-include compel/Makefile.inc
-include soccr/Makefile.inc
-include criu/pie/Makefile.inc

# ---------------------------------------------------------------- criu
CRIU_SRCS	:= $(wildcard criu/*.c)
CRIU_MAIN	:= $(B)/criu/crtools.o
CRIU_OBJS	:= $(filter-out $(CRIU_MAIN),$(patsubst %.c,$(B)/%.o,$(CRIU_SRCS)))
LIBCRIU		:= $(B)/libcriu.a
ARCH_SRCS	:= $(wildcard arch/$(ARCH)/*.c)
ARCH_OBJS	:= $(patsubst %.c,$(B)/%.o,$(ARCH_SRCS))

$(LIBCRIU): $(CRIU_OBJS) $(ARCH_OBJS) $(PB_O)
	@rm -f $@
	$(AR) rcs $@ $^

# criu/criu is shared by every flavour, so relink whenever the flavour changes.
FLAVOUR_STAMP	:= .build/flavour-$(FLAVOUR)
$(FLAVOUR_STAMP):
	@mkdir -p .build
	@rm -f .build/flavour-*
	@touch $@

criu/criu: $(CRIU_MAIN) $(LIBCRIU) $(COMPEL_LIB) $(SOCCR_LIB) $(CRIU_EXTRA_OBJS) $(FLAVOUR_STAMP)
	$(CC) $(LDFLAGS) -o $@ $(CRIU_MAIN) -Wl,--whole-archive $(LIBCRIU) $(CRIU_EXTRA_OBJS) \
		-Wl,--no-whole-archive $(COMPEL_LIB) $(SOCCR_LIB) $(LIBS)

CRIT_SRCS	:= $(wildcard crit/*.c)
CRIT_OBJS	:= $(patsubst %.c,$(B)/%.o,$(CRIT_SRCS))
ifneq ($(CRIT_SRCS),)
CRIT_BIN	:= crit/crit
crit/crit: $(CRIT_OBJS) $(LIBCRIU) $(COMPEL_LIB) $(SOCCR_LIB) $(FLAVOUR_STAMP)
	$(CC) $(LDFLAGS) -o $@ $(CRIT_OBJS) $(LIBCRIU) $(COMPEL_LIB) $(SOCCR_LIB) $(LIBS)
endif

# The man page, when asciidoctor is there (install-deps.sh installs it).
ASCIIDOCTOR	:= $(shell command -v asciidoctor 2>/dev/null)
ifneq ($(ASCIIDOCTOR),)
MAN_PAGES	:= Documentation/criu.8
Documentation/criu.8: Documentation/criu.adoc
	$(ASCIIDOCTOR) -b manpage -o $@ $<
endif

ifeq ($(ARCH),aarch64)
# No arm64 builds of protobuf-c, libnl ... here: build the arch-specific parts.
all: $(COMPEL_TARGETS_CROSS) $(ARCH_OBJS) $(UNIT_TARGETS_CROSS)
else
all: criu/criu $(CRIT_BIN) $(COMPEL_TARGETS) $(SOCCR_LIB) $(MAN_PAGES)
endif

# ---------------------------------------------------------------- tests
-include test/unit/Makefile.inc
-include test/zdtm/Makefile.inc
-include test/zdtm/pending/Makefile.inc
-include test/fuzz/Makefile.inc
-include scripts/bench/Makefile.inc

.PHONY: all test unit zdtm clean install fuzz

test: all $(TEST_BINS) $(ZDTM_BINS)
	$(PYTHON) test/zdtm.py run --all --mode h,snap,hp --build-dir $(B)

unit: $(TEST_BINS)
	$(PYTHON) test/zdtm.py run --unit --build-dir $(B)

zdtm: all $(ZDTM_BINS)
	$(PYTHON) test/zdtm.py run --zdtm --build-dir $(B)

# ---------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/compel/asm $(DESTDIR)$(MANDIR)/man8
	install -m 0755 criu/criu $(DESTDIR)$(SBINDIR)/criu
	$(if $(CRIT_BIN),install -m 0755 $(CRIT_BIN) $(DESTDIR)$(BINDIR)/crit)
	$(if $(wildcard $(COMPEL_LIB)),install -m 0644 $(COMPEL_LIB) $(DESTDIR)$(LIBDIR)/)
	$(if $(wildcard compel/include/compel/*.h),install -m 0644 compel/include/compel/*.h \
		$(DESTDIR)$(INCLUDEDIR)/compel/)
	$(if $(wildcard compel/arch/$(ARCH)/include/compel/asm/*.h),install -m 0644 \
		compel/arch/$(ARCH)/include/compel/asm/*.h $(DESTDIR)$(INCLUDEDIR)/compel/asm/)
	$(if $(wildcard compel/compel-host),install -m 0755 compel/compel-host $(DESTDIR)$(BINDIR)/compel)
	$(if $(wildcard Documentation/criu.8),install -m 0644 Documentation/criu.8 \
		$(DESTDIR)$(MANDIR)/man8/)

clean:
	rm -rf .build criu/criu crit/crit Documentation/criu.8 $(CLEAN_EXTRA)

-include $(shell find $(B) $(GEN) -name "*.d" 2>/dev/null)
