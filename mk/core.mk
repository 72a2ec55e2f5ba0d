# SPDX-License-Identifier: GPL-2.0-only
# What every build of the ownership core shares, defined once: the core's
# sources, the host-built test harness around it, and the one warning
# policy. Included first: the fragments after it (unit, fuzz, stress,
# bench, hyp) build these sources their own way (host or aarch64,
# sanitizers, sync modes) but never list them or their warnings again.

CORE_SRCS := $(wildcard ownership/*.c)
CORE_HDRS := $(wildcard ownership/*.h) abi/s2own_abi.h

# The fake machine the host-built tests run the core on (tests/fake_arch.c),
# the harness that sets it up and reads it back (tests/harness.c), the
# reference model, the tests' oracle (tests/refmodel.c), and the tests'
# random numbers (tests/rng.c).
TEST_SRCS := tests/fake_arch.c tests/harness.c tests/refmodel.c tests/rng.c
TEST_HDRS := $(wildcard tests/*.h)

# One warning policy for the core, the hypervisor and the tests, whatever
# compiles them (gcc, clang, the aarch64 cross gcc): a warning fails the
# build. WERROR= on the command line turns that off for an experiment.
WARN_FLAGS := -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wshadow
WERROR ?= -Werror
CWARN := $(WARN_FLAGS) $(WERROR)

# The rest of every host build of the core and the tests (gcc or clang).
HOST_CFLAGS := -std=gnu11 -g -pthread -fno-strict-aliasing
