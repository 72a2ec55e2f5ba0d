# SPDX-License-Identifier: GPL-2.0-only
# The explorer (tests/explore/): every interleaving of the real ownership/
# code up to a preemption bound, in small scenarios, under a controlled
# scheduler (the core's atomics and the fake backend's accesses are its
# scheduling points: S2O_ARCH_SCHED); PCT schedules for longer runs; and a
# binary per mutant (ownership/mutant.h), each of which must be caught.
#
#   make explore        bound 2, every scenario, every mutant (make test)
#   make verify-deep    every scenario, the deep ones too: every schedule
#                       within EXPLORE_DEEP_BOUND preemptions (2 for three
#                       threads), then EXPLORE_PCT_RUNS PCT runs of each
#                       at depths 3 and 4 (S2OWN_SEED fixes the seed);
#                       then the mutants
#
# A failure prints the schedule and the command that replays it.

EXPLORE_DIR := $(BUILD)/explore
# The PSCI relay's state machine is the hypervisor's own file, built here too.
EXPLORE_SRCS := $(wildcard tests/explore/*.c) hyp/psci_relay.c $(TEST_SRCS) \
	$(CORE_SRCS)
EXPLORE_DEPS := $(EXPLORE_SRCS) $(wildcard tests/explore/*.h) \
	hyp/psci_relay.h $(CORE_HDRS) $(TEST_HDRS) mk/explore.mk
EXPLORE_CFLAGS := $(HOST_CFLAGS) -O2 $(CWARN) -DS2O_ARCH_SCHED
EXPLORE_BIN := $(EXPLORE_DIR)/explore

# Each mutant of ownership/mutant.h, as S2O_MUTANT_<NAME> spells it.
EXPLORE_MUTANTS := skip-revisit no-revalidate no-wait relaxed-inc \
	relaxed-lock no-recheck no-walkcache-tlbi alloc-resets-refs \
	collapse-holding-ref no-leaf-tlbi
EXPLORE_MUTANT_BINS := $(addprefix $(EXPLORE_DIR)/explore-,$(EXPLORE_MUTANTS))

EXPLORE_DEEP_BOUND ?= 3
EXPLORE_PCT_RUNS ?= 50000

.PHONY: explore explore-build verify-deep
explore-build: $(EXPLORE_BIN) $(EXPLORE_MUTANT_BINS)

$(EXPLORE_BIN): $(EXPLORE_DEPS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EXPLORE_CFLAGS) -o $@ $(EXPLORE_SRCS)

$(EXPLORE_DIR)/explore-%: $(EXPLORE_DEPS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(EXPLORE_CFLAGS) \
		-DS2O_MUTANT=S2O_MUTANT_$(shell echo $* | tr 'a-z-' 'A-Z_') \
		-o $@ $(EXPLORE_SRCS)

explore: explore-build
	$(Q)scripts/run-explore.sh $(EXPLORE_BIN) $(EXPLORE_MUTANT_BINS)

verify-deep: explore-build
	$(Q)EXPLORE_DEEP_BOUND=$(EXPLORE_DEEP_BOUND) \
		EXPLORE_PCT_RUNS=$(EXPLORE_PCT_RUNS) \
		scripts/run-explore.sh --deep $(EXPLORE_BIN) \
		$(EXPLORE_MUTANT_BINS)
