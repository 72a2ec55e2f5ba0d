# SPDX-License-Identifier: GPL-2.0-only
# Benchmarks of the ownership core (tests/bench.c), the fake's checker off:
# one binary per sync mode, throughput at 1 and 2 threads (median of
# BENCH_RUNS runs of BENCH_SECS s), then the instructions of one fault-path
# walk under callgrind, and a table against issue 3's targets
# (scripts/run-bench.sh). A missed target is reported, never fails the
# build. Then what one call of each kind costs, per sync mode
# (tests/bench_ops.c, scripts/run-bench-ops.sh; alone: make bench-ops).
# docs/benchmarks.md reads the numbers.

PKGS_bench := liburcu-dev valgrind

BENCH_DIR := $(BUILD)/bench
BENCH_CC ?= gcc
BENCH_SRCS := tests/bench.c $(TEST_SRCS) $(CORE_SRCS)
BENCH_MODES := refcount lock rcu
BENCH_FLAGS_lock := -DS2O_SYNC_LOCK
BENCH_FLAGS_rcu := -DS2O_SYNC_RCU
BENCH_LIBS_rcu := -lurcu-qsbr
BENCH_BINS := $(addprefix $(BENCH_DIR)/bench-,$(BENCH_MODES))
BENCH_SECS ?= 2
BENCH_RUNS ?= 3
BENCH_WALKS ?= 100000
BENCH_OPS_SRCS := tests/bench_ops.c $(TEST_SRCS) $(CORE_SRCS)
BENCH_OPS_BINS := $(addprefix $(BENCH_DIR)/bench-ops-,$(BENCH_MODES))
BENCH_OPS_CALLS ?= 100

.PHONY: bench bench-build bench-ops
bench-build: $(BENCH_BINS) $(BENCH_OPS_BINS)

$(BENCH_DIR)/bench-%: $(BENCH_SRCS) $(CORE_HDRS) $(TEST_HDRS) \
		$(STAMPS)/pkgs-bench
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BENCH_CC) $(HOST_CFLAGS) -O2 $(CWARN) $(BENCH_FLAGS_$*) -o $@ \
		$(BENCH_SRCS) $(BENCH_LIBS_$*)

$(BENCH_DIR)/bench-ops-%: $(BENCH_OPS_SRCS) $(CORE_HDRS) $(TEST_HDRS) \
		$(STAMPS)/pkgs-bench
	$(Q)mkdir -p $(dir $@)
	$(Q)$(BENCH_CC) $(HOST_CFLAGS) -O2 $(CWARN) $(BENCH_FLAGS_$*) -o $@ \
		$(BENCH_OPS_SRCS) $(BENCH_LIBS_$*)

bench-ops: $(BENCH_OPS_BINS)
	$(Q)scripts/run-bench-ops.sh $(BENCH_DIR) $(BENCH_OPS_CALLS) \
		$(BENCH_MODES)

bench: $(BENCH_BINS) bench-ops
	$(Q)scripts/run-bench.sh $(BENCH_DIR) $(BENCH_SECS) $(BENCH_RUNS) \
		$(BENCH_WALKS) $(BENCH_MODES)
