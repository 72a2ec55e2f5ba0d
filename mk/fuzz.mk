# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing the ownership core: tests/fuzz_core.c decodes libFuzzer's input
# into host operations and checks each against the reference model
# (tests/refmodel.c), the core's invariants and the fake's BBM checker.
#
#   make fuzz-short   FUZZ_SHORT_SECS (60) s from the seed corpus: for
#                     `make test`
#   make fuzz         FUZZ_SECS (1200) s, then the hypercall fuzzer under
#                     QEMU (make fuzz-qemu, mk/driver.mk), then
#                     $(FUZZ_EXTRA); the core's corpus grows in
#                     $(BUILD)/fuzz/long/corpus from one run to the next
#   make fuzz-build   the binary, $(BUILD)/fuzz/fuzz_core
#   make fuzz-trace FUZZ_INPUT=file
#                     run one input (a seed, a crash) and print its
#                     operations as they run
#
# libFuzzer writes new inputs only into copies under $(BUILD)/fuzz, never
# into tests/fuzz-corpus/, and crashes into $(BUILD)/fuzz/*/artifacts/.
# FUZZ_SEED=n fixes libFuzzer's seed (it prints the one it chose).

PKGS_fuzz := libclang-rt-14-dev

FUZZ_DIR := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_core
FUZZ_CC ?= clang
FUZZ_SHORT_SECS ?= 60
FUZZ_SECS ?= 1200
FUZZ_MAX_LEN ?= 192
FUZZ_SEED ?=
FUZZ_EXTRA ?=
FUZZ_INPUT ?=

FUZZ_CFLAGS := $(HOST_CFLAGS) -O1 -fno-omit-frame-pointer
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TEST_SRCS := tests/fuzz_core.c $(TEST_SRCS)
FUZZ_CORE_SRCS := $(filter-out ownership/check.c,$(CORE_SRCS))
FUZZ_OBJS := $(patsubst tests/%.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_TEST_SRCS)) \
	$(patsubst ownership/%.c,$(FUZZ_DIR)/obj/core-%.o,$(FUZZ_CORE_SRCS)) \
	$(FUZZ_DIR)/obj/oracle-check.o
FUZZ_HDRS := $(CORE_HDRS) $(TEST_HDRS)

# Every input re-initialises the tracker: s2o_memmap_init() visits the
# metadata of all 1M pages of the harness's map. Instrumented, that alone
# took 15 ms per input; it is the same for every input, so its coverage
# says nothing, and the pointer helpers it calls are checked where the
# pointers are used.
FUZZ_IGNORE_FUNCS := s2o_memmap_init s2o_find_region s2o_pfn_page
FUZZ_IGNORELIST := $(FUZZ_DIR)/ignorelist.txt
FUZZ_IGNORE := -fsanitize-ignorelist=$(FUZZ_IGNORELIST) \
	-fsanitize-coverage-ignorelist=$(FUZZ_IGNORELIST)

# An input runs in well under a second: 30 s means a hang (a claim left
# behind makes the next claim of the page spin).
FUZZ_ARGS = -max_len=$(FUZZ_MAX_LEN) -timeout=30 -print_final_stats=1 \
	$(if $(FUZZ_SEED),-seed=$(FUZZ_SEED))
FUZZ_ENV := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: fuzz fuzz-short fuzz-build fuzz-trace fuzz-core-long
fuzz-build: $(FUZZ_BIN)

$(FUZZ_IGNORELIST): mk/fuzz.mk
	$(Q)mkdir -p $(dir $@)
	$(Q)printf 'fun:%s\n' $(FUZZ_IGNORE_FUNCS) >$@

# Only the decoder guides libFuzzer among the test sources: the model's
# and the fake's loops over every page and TLB entry are checks, and
# tracing each of their comparisons took a third of the time.
$(FUZZ_DIR)/obj/fuzz_core.o: FUZZ_COV := -fsanitize=fuzzer-no-link

$(FUZZ_DIR)/obj/%.o: tests/%.c $(FUZZ_HDRS) $(STAMPS)/pkgs-fuzz
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(CWARN) $(FUZZ_COV) \
		-c -o $@ $<

$(FUZZ_DIR)/obj/core-%.o: ownership/%.c $(FUZZ_HDRS) $(FUZZ_IGNORELIST) \
		$(STAMPS)/pkgs-fuzz
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) $(CWARN) \
		-fsanitize=fuzzer-no-link $(FUZZ_IGNORE) -c -o $@ $<

# s2o_check_invariants() is the oracle, run after every operation: it
# reads the metadata of every page, twice. Instrumented it cost 20 ms a
# call, at -O2 plain 1.3 ms; its own branches are no guide to the core's.
$(FUZZ_DIR)/obj/oracle-check.o: ownership/check.c $(FUZZ_HDRS) \
		$(STAMPS)/pkgs-fuzz
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(HOST_CFLAGS) -O2 $(CWARN) -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_OBJS)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ \
		$(FUZZ_OBJS)

# $(call fuzz_run,name,seconds): scripts/run-fuzz.sh, in $(FUZZ_DIR)/name.
fuzz_run = $(Q)env $(FUZZ_ENV) scripts/run-fuzz.sh $(FUZZ_BIN) \
	$(FUZZ_DIR)/$(1) $(2) $(FUZZ_ARGS)

fuzz-short: $(FUZZ_BIN)
	$(Q)rm -rf $(FUZZ_DIR)/short
	$(call fuzz_run,short,$(FUZZ_SHORT_SECS))

fuzz-core-long: $(FUZZ_BIN)
	$(call fuzz_run,long,$(FUZZ_SECS))

fuzz: fuzz-core-long fuzz-qemu $(FUZZ_EXTRA)

fuzz-trace: $(FUZZ_BIN)
	$(Q)test -n "$(FUZZ_INPUT)" || \
		{ echo "usage: make fuzz-trace FUZZ_INPUT=file"; exit 2; }
	$(Q)env $(FUZZ_ENV) S2OWN_FUZZ_TRACE=1 $(FUZZ_BIN) $(FUZZ_INPUT)
