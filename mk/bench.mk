# SPDX-License-Identifier: GPL-2.0-only
# Benchmarks of the ownership core (tests/bench.c), the fake's checker off:
# one binary per sync mode, throughput at 1 and 2 threads (median of
# BENCH_RUNS runs of BENCH_SECS s), then the instructions of one fault-path
# walk under callgrind, and a table against issue 3's targets. A missed
# target is reported, never fails the build. docs/benchmarks.md reads the
# numbers.

PKGS_bench := liburcu-dev valgrind

BENCH_DIR := $(BUILD)/bench
BENCH_CC ?= gcc
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread \
	-fno-strict-aliasing
BENCH_SRCS := tests/bench.c tests/fake_arch.c $(wildcard ownership/*.c)
BENCH_MODES := refcount lock rcu
BENCH_FLAGS_lock := -DS2O_SYNC_LOCK
BENCH_FLAGS_rcu := -DS2O_SYNC_RCU
BENCH_LIBS_rcu := -lurcu-qsbr
BENCH_BINS := $(addprefix $(BENCH_DIR)/bench-,$(BENCH_MODES))
BENCH_SECS ?= 2
BENCH_RUNS ?= 3
BENCH_WALKS ?= 100000

.PHONY: bench bench-build
bench-build: $(BENCH_BINS)

$(BENCH_DIR)/bench-%: $(BENCH_SRCS) $(wildcard ownership/*.h) \
		tests/fake_arch.h $(STAMPS)/pkgs-bench
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BENCH_CC) $(BENCH_CFLAGS) $(BENCH_FLAGS_$*) -o $@ $(BENCH_SRCS) \
		$(BENCH_LIBS_$*)

# Per mode: two throughput lines, then callgrind's total instructions of
# BENCH_WALKS faults on a level-3 page and on a 2M block, per fault.
bench: $(BENCH_BINS)
	$(Q)set -e; args=""; \
	echo "throughput: mixed workload, median of $(BENCH_RUNS) x" \
		"$(BENCH_SECS) s (2 cores, shared: see docs/benchmarks.md)"; \
	for m in $(BENCH_MODES); do \
		for t in 1 2; do \
			$(BENCH_DIR)/bench-$$m -t $$t -s $(BENCH_SECS) \
				-n $(BENCH_RUNS) >$(BENCH_DIR)/$$m-$${t}T.log; \
			head -n 2 $(BENCH_DIR)/$$m-$${t}T.log; \
			eval t$$t=$$(tail -n 1 $(BENCH_DIR)/$$m-$${t}T.log | \
				cut -d' ' -f2); \
			eval c$$t=$$(tail -n 1 $(BENCH_DIR)/$$m-$${t}T.log | \
				cut -d' ' -f3); \
		done; \
		for k in l3 l2; do \
			out=$(BENCH_DIR)/callgrind.$$m.$$k.out; \
			valgrind --tool=callgrind --instr-atstart=no \
				--callgrind-out-file=$$out \
				$(BENCH_DIR)/bench-$$m -W $$k -n $(BENCH_WALKS) \
				>$(BENCH_DIR)/callgrind.$$m.$$k.log 2>&1; \
			eval w$$k=$$(awk -v n=$(BENCH_WALKS) \
				'/^totals:/ { print $$2 / n; exit }' $$out); \
		done; \
		echo "$$m walk: $$wl3 instructions per fault (level-3 page)," \
			"$$wl2 (2M block)"; \
		args="$$args $$m=$$t1,$$t2,$$wl3,$$wl2,$$c1,$$c2"; \
	done; \
	$(BENCH_DIR)/bench-refcount -R $$args
