# SPDX-License-Identifier: GPL-2.0-only
# Pthread stress of the ownership core (tests/stress.c) against the fake
# backend, built five ways from the same sources: the default refcount
# mode, ThreadSanitizer and AddressSanitizer + UBSan (both refcount), the
# lock mode and the RCU mode.
#
#   make stress-short   every build once, ~25 s: part of `make test`
#   make stress         every build, STRESS_SEEDS seeds, STRESS_SECS s each
#
# S2OWN_SEED=n fixes the seeds (run i gets n + i). Each run's output goes
# to $(BUILD)/stress/log/; the terminal gets one line per run, the failure
# details and the command that reruns it (scripts/run-stress.sh).

PKGS_stress := liburcu-dev

STRESS_DIR := $(BUILD)/stress
STRESS_CC ?= gcc
STRESS_SRCS := tests/stress.c $(TEST_SRCS) $(CORE_SRCS)
STRESS_DEPS := $(STRESS_SRCS) $(CORE_HDRS) $(TEST_HDRS) \
	$(STAMPS)/pkgs-stress

STRESS_BUILDS := refcount tsan asan lock rcu
STRESS_FLAGS_refcount := -O2
STRESS_FLAGS_tsan := -O1 -fsanitize=thread
STRESS_FLAGS_asan := -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
STRESS_FLAGS_lock := -O2 -DS2O_SYNC_LOCK
STRESS_FLAGS_rcu := -O2 -DS2O_SYNC_RCU
STRESS_LIBS_rcu := -lurcu-qsbr
STRESS_BINS := $(addprefix $(STRESS_DIR)/stress-,$(STRESS_BUILDS))

# A sanitizer report fails the run even if every check passed.
STRESS_ENV := TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	ASAN_OPTIONS=detect_leaks=1:exitcode=67 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Runs: build/arguments. TSan runs without the fake's checker: its global
# mutex orders every descriptor write and so hides the core's races. The
# small pool (-p64) makes transitions fail with -ENOMEM and the fault path
# free idle tables, concurrently with everything else.
STRESS_SHORT_RUNS := refcount/-s3/-r1.5 refcount/-s2/-p64 \
	tsan/-s2/-r1/-coff asan/-s2/-r1 lock/-s2/-r1 rcu/-s2/-r1
STRESS_SEEDS ?= 3
STRESS_SECS ?= 20
STRESS_LONG_RUNS := refcount/-s$(STRESS_SECS)/-r5 \
	refcount/-s$(STRESS_SECS)/-p64 refcount/-s$(STRESS_SECS)/-r5/-coff \
	refcount/-s$(STRESS_SECS)/-t8/-r5 \
	tsan/-s$(STRESS_SECS)/-r5/-coff tsan/-s$(STRESS_SECS)/-r5 \
	asan/-s$(STRESS_SECS)/-r5 lock/-s$(STRESS_SECS)/-r5 \
	rcu/-s$(STRESS_SECS)/-r5

.PHONY: stress stress-short stress-build
stress-build: $(STRESS_BINS)

$(STRESS_DIR)/stress-%: $(STRESS_DEPS)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(STRESS_CC) $(HOST_CFLAGS) $(CWARN) $(STRESS_FLAGS_$*) -o $@ \
		$(STRESS_SRCS) $(STRESS_LIBS_$*)

stress-short: $(STRESS_BINS)
	$(Q)env $(STRESS_ENV) scripts/run-stress.sh $(STRESS_DIR) 1 \
		$(STRESS_SHORT_RUNS)

stress: $(STRESS_BINS)
	$(Q)env $(STRESS_ENV) scripts/run-stress.sh $(STRESS_DIR) \
		$(STRESS_SEEDS) $(STRESS_LONG_RUNS)
