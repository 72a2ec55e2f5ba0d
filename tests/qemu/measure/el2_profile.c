// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where the hypervisor's instructions go, call by call: a profile of EL2
 * from QEMU's execution log (`make measure-profile`, docs/measurements.md).
 *
 *   el2-profile SYMS LOG
 *
 * SYMS: `nm` of the hypervisor's ELF. LOG: QEMU's `-d exec,nochain` log
 * under -singlestep (one line, "Trace ...: 0x... [.../PC/...]", per
 * instruction) with -dfilter keeping the hypervisor's image only, so the
 * log holds EL2's instructions and nothing else.
 *
 * Every exception taken to EL2 starts at one of the vector table entries:
 * the instructions from one entry to the next are one call (the host's
 * HVC, a stage-2 fault, a guest's exit). A call is named after the first
 * function of the core it reached (s2o_host_donate_guest, ...), or its
 * handler. Calls of one name and one instruction count are one row: how
 * many, the count, and the functions that took them, most first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SYMS 8192
#define MAX_FNS 64		/* distinct functions in one call */
#define MAX_ROWS 4096
#define TOP 12			/* functions shown per row */

struct sym {
	unsigned long addr;
	char name[128];
};

static struct sym syms[MAX_SYMS];
static int nr_syms;
static unsigned long vectors[2];
static int nr_vectors;

/* The calls worth a row, the first reached naming the call. */
static const char *const call_names[] = {
	"s2o_vm_create", "s2o_vm_destroy", "s2o_vm_topup",
	"s2o_vcpu_create", "s2o_host_donate_guest", "s2o_host_reclaim_guest",
	"s2o_host_share_hyp", "s2o_host_unshare_hyp", "s2o_host_donate_hyp",
	"s2o_hyp_donate_host", "s2o_guest_share", "s2o_guest_unshare",
	"s2o_guest_relinquish", "s2o_host_handle_fault", "hyp_vcpu_run",
	"hyp_hvc_handle", "hyp_host_sync",
};
#define NR_NAMES (int)(sizeof(call_names) / sizeof(call_names[0]))

struct row {
	int name;		/* index in call_names, or NR_NAMES: other */
	unsigned long total;
	unsigned long calls;
	unsigned long fn_count[MAX_FNS];
	int fn[MAX_FNS];	/* symbol index */
	int nr_fns;
};

static struct row rows[MAX_ROWS];
static int nr_rows;

/* The call being read: instructions per function. */
static int cur_fn[MAX_FNS];
static unsigned long cur_count[MAX_FNS];
static int cur_nr;
static unsigned long cur_total;

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void read_syms(const char *path)
{
	char line[256], type, name[128];
	unsigned long addr;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) && nr_syms < MAX_SYMS) {
		if (sscanf(line, "%lx %c %127s", &addr, &type, name) != 3 ||
		    !strchr("tTW", type))
			continue;
		syms[nr_syms].addr = addr;
		snprintf(syms[nr_syms].name, sizeof(syms[0].name), "%s", name);
		if (!strcmp(name, "hyp_vectors") ||
		    !strcmp(name, "hyp_guest_vectors"))
			vectors[nr_vectors++] = addr;
		nr_syms++;
	}
	fclose(f);
	qsort(syms, nr_syms, sizeof(syms[0]), cmp_sym);
}

/* The function holding @pc: the last symbol at or below it. */
static int sym_of(unsigned long pc)
{
	int lo = 0, hi = nr_syms - 1, best = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (syms[mid].addr <= pc) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

/* An exception's first instruction: a vector table entry. */
static int is_vector(unsigned long pc)
{
	for (int i = 0; i < nr_vectors; i++)
		if (pc >= vectors[i] && pc < vectors[i] + 0x800 &&
		    !((pc - vectors[i]) % 0x80))
			return 1;
	return 0;
}

static int call_name(void)
{
	for (int n = 0; n < NR_NAMES; n++)
		for (int i = 0; i < cur_nr; i++)
			if (!strcmp(syms[cur_fn[i]].name, call_names[n]))
				return n;
	return NR_NAMES;
}

static void end_call(void)
{
	int name, r, i, j;

	if (!cur_total)
		return;
	name = call_name();
	for (r = 0; r < nr_rows; r++)
		if (rows[r].name == name && rows[r].total == cur_total)
			break;
	if (r == nr_rows) {
		if (nr_rows == MAX_ROWS)
			goto out;
		rows[r] = (struct row){ .name = name, .total = cur_total };
		nr_rows++;
	}
	rows[r].calls++;
	for (i = 0; i < cur_nr; i++) {
		for (j = 0; j < rows[r].nr_fns; j++)
			if (rows[r].fn[j] == cur_fn[i])
				break;
		if (j == rows[r].nr_fns) {
			if (j == MAX_FNS)
				continue;
			rows[r].fn[j] = cur_fn[i];
			rows[r].nr_fns++;
		}
		rows[r].fn_count[j] += cur_count[i];
	}
out:
	cur_nr = 0;
	cur_total = 0;
}

static void count(int fn)
{
	int i;

	for (i = 0; i < cur_nr; i++)
		if (cur_fn[i] == fn)
			break;
	if (i == cur_nr) {
		if (cur_nr == MAX_FNS)
			return;
		cur_fn[cur_nr] = fn;
		cur_count[cur_nr++] = 0;
	}
	cur_count[i]++;
	cur_total++;
}

static void read_log(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		/* "Trace 0: 0xHOST [FLAGS/PC/...]": the second field. */
		char *p = strchr(line, '[');
		unsigned long pc;

		if (strncmp(line, "Trace", 5) || !p || !(p = strchr(p, '/')))
			continue;
		pc = strtoul(p + 1, NULL, 16);
		if (is_vector(pc))
			end_call();
		count(sym_of(pc));
	}
	end_call();
	fclose(f);
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->name != y->name)
		return x->name - y->name;
	return x->total < y->total ? -1 : x->total > y->total;
}

static void print_row(struct row *r)
{
	printf("%-24s %6lu x %8lu:",
	       r->name < NR_NAMES ? call_names[r->name] : "(other)", r->calls,
	       r->total);
	for (int shown = 0; shown < TOP && shown < r->nr_fns; shown++) {
		int best = shown;

		for (int j = shown + 1; j < r->nr_fns; j++)
			if (r->fn_count[j] > r->fn_count[best])
				best = j;
		if (best != shown) {
			int fn = r->fn[best];
			unsigned long c = r->fn_count[best];

			r->fn[best] = r->fn[shown];
			r->fn_count[best] = r->fn_count[shown];
			r->fn[shown] = fn;
			r->fn_count[shown] = c;
		}
		printf(" %s %lu", syms[r->fn[shown]].name,
		       r->fn_count[shown] / r->calls);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: el2-profile SYMS LOG\n");
		return 2;
	}
	read_syms(argv[1]);
	if (!nr_vectors) {
		fprintf(stderr, "el2-profile: no hyp_vectors in %s\n", argv[1]);
		return 2;
	}
	read_log(argv[2]);
	qsort(rows, nr_rows, sizeof(rows[0]), cmp_row);
	printf("EL2 instructions per call, from QEMU's log of every "
	       "instruction EL2 ran (emulator\ninstructions, not hardware "
	       "time): the call, how many of them with this count, the\n"
	       "count, and the functions that took them, most first.\n");
	for (int r = 0; r < nr_rows; r++)
		if (rows[r].name < NR_NAMES)
			print_row(&rows[r]);
	return 0;
}
