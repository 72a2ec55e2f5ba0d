// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the hypervisor needs from the DTB QEMU passes in x0, and the one
 * change it makes to it before the host sees it.
 *
 * Read: the /memory nodes (RAM regions), /cpus (MPIDR of each CPU, which
 * gives our logical ids and the PSCI relay's targets), /chosen (initrd and
 * bootargs, to check they do not overlap the carve-out, and for the log).
 * Written: a /reserved-memory child with "no-map" for the carve-out, so
 * that Linux neither uses nor maps the hypervisor's RAM while /memory keeps
 * describing the machine truthfully; and the architected timer's virtual
 * and hypervisor interrupts dropped, so that the host runs on the EL1
 * physical timer and the virtual one is the guests' (docs/guests.md).
 *
 * libfdt uses SIMD registers: this all runs on the boot CPU before the host
 * exists, with CPTR_EL2.TFP clear, so no FP state of anyone is at stake.
 */
#include <libfdt.h>

#include "hyp.h"
#include "../abi/s2own_abi.h"
#include "sysreg.h"

#define MPIDR_HWID_MASK		0xff00ffffffUL

struct hyp_boot_info hyp_boot;

static u64 read_cells(const fdt32_t *p, int n)
{
	u64 v = 0;

	while (n-- > 0)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

static bool str_eq(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !memcmp(a, b, n + 1);
}

static bool node_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || str_eq(status, "okay") || str_eq(status, "ok");
}

static void add_mem(u64 base, u64 size)
{
	u64 end = S2O_ALIGN_DOWN(base + size, SZ_4K);
	unsigned int i;

	base = S2O_ALIGN_UP(base, SZ_4K);
	if (end <= base)
		return;
	if (hyp_boot.nr_mem == HYP_MAX_MEM)
		hyp_panic("DTB: more than %d memory ranges", HYP_MAX_MEM);
	/* Keep the array sorted by base: the core wants it that way. */
	for (i = hyp_boot.nr_mem; i > 0 && hyp_boot.mem[i - 1].base > base; i--)
		hyp_boot.mem[i] = hyp_boot.mem[i - 1];
	hyp_boot.mem[i].base = base;
	hyp_boot.mem[i].size = end - base;
	hyp_boot.nr_mem++;
}

static void parse_memory(const void *fdt)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node, len;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		hyp_panic("DTB: odd root #address-cells/#size-cells");
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  "memory", sizeof("memory"));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", sizeof("memory"))) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!reg || !node_enabled(fdt, node))
			continue;
		for (; len >= 4 * (ac + sc); len -= 4 * (ac + sc)) {
			add_mem(read_cells(reg, ac), read_cells(reg + ac, sc));
			reg += ac + sc;
		}
	}
	if (!hyp_boot.nr_mem)
		hyp_panic("DTB: no /memory");
	for (unsigned int i = 1; i < hyp_boot.nr_mem; i++)
		if (hyp_boot.mem[i - 1].base + hyp_boot.mem[i - 1].size >
		    hyp_boot.mem[i].base)
			hyp_panic("DTB: overlapping /memory ranges");
}

/*
 * Logical CPU ids: the boot CPU is 0, the others follow in DTB order, as
 * Linux numbers them too.
 */
static void parse_cpus(const void *fdt)
{
	u64 boot_mpidr = read_sysreg(mpidr_el1) & MPIDR_HWID_MASK;
	int cpus = fdt_path_offset(fdt, "/cpus");
	unsigned int next = 1;
	bool boot_seen = false;
	int ac, node;

	if (cpus < 0)
		hyp_panic("DTB: no /cpus");
	ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2)
		hyp_panic("DTB: odd /cpus #address-cells");
	hyp_cpus[0].mpidr = boot_mpidr;
	hyp_cpus[0].present = 1;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		u64 mpidr;
		int len;

		if (!type || !str_eq(type, "cpu") || !node_enabled(fdt, node))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < 4 * ac)
			continue;
		mpidr = read_cells(reg, ac) & MPIDR_HWID_MASK;
		if (mpidr == boot_mpidr) {
			boot_seen = true;
			continue;
		}
		if (next == HYP_MAX_CPUS) {
			hyp_info("DTB: ignoring cpu %lx, at most %d CPUs\n",
				 mpidr, HYP_MAX_CPUS);
			continue;
		}
		hyp_cpus[next].mpidr = mpidr;
		hyp_cpus[next].present = 1;
		next++;
	}
	if (!boot_seen)
		hyp_panic("DTB: boot CPU %lx not in /cpus", boot_mpidr);
	hyp_nr_cpus = next;
}

static void parse_chosen(const void *fdt)
{
	static char bootargs[512];
	int chosen = fdt_path_offset(fdt, "/chosen");
	const fdt32_t *p;
	const char *args;
	int len;

	if (chosen < 0)
		return;
	p = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	if (p && (len == 4 || len == 8)) {
		hyp_boot.initrd_start = read_cells(p, len / 4);
		p = fdt_getprop(fdt, chosen, "linux,initrd-end", &len);
		if (p && (len == 4 || len == 8))
			hyp_boot.initrd_end = read_cells(p, len / 4);
		else
			hyp_boot.initrd_start = 0;
	}
	/* Copied: editing the DTB later moves its properties around. */
	args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (args && len > 0) {
		len = S2O_MIN(len, (int)sizeof(bootargs) - 1);
		memcpy(bootargs, args, len);
		bootargs[len] = '\0';
		hyp_boot.bootargs = bootargs;
	}
}

static void check_psci(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	if (node < 0)
		hyp_panic("DTB: no PSCI node, cannot start secondary CPUs");
	method = fdt_getprop(fdt, node, "method", NULL);
	/* The relay only sees SMCs: HCR_EL2.TSC traps them, HVC is ours. */
	if (!method || !str_eq(method, "smc"))
		hyp_panic("DTB: PSCI method is %s, expected smc",
			  method ? method : "(none)");
}

/**
 * hyp_fdt_parse() - read memory, CPUs, initrd and bootargs from the DTB.
 * @fdt: the DTB, mapped at EL2
 *
 * Fills hyp_boot and hyp_cpus[].mpidr; panics on a DTB it cannot use.
 */
void hyp_fdt_parse(void *fdt)
{
	int err = fdt_check_header(fdt);

	if (err)
		hyp_panic("DTB: bad header: %s", fdt_strerror(err));
	hyp_boot.fdt = fdt;
	hyp_boot.fdt_size = fdt_totalsize(fdt);
	parse_memory(fdt);
	parse_cpus(fdt);
	parse_chosen(fdt);
	check_psci(fdt);
}

static void fdt_ok(int err, const char *what)
{
	if (err < 0)
		hyp_panic("DTB: %s: %s", what, fdt_strerror(err));
}

static void put_cells(fdt32_t *p, int n, u64 v)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = cpu_to_fdt32((u32)v);
		v >>= 32;
	}
}

/*
 * Adds /reserved-memory/s2own-hyp@<base> { reg = <carve-out>; no-map; }
 * (creating /reserved-memory if QEMU did not), in place: QEMU's DTB has
 * ample free space. The stage-2 protects the memory anyway; this keeps a
 * well-behaved host from ever touching it.
 */
static void hide_carveout(void *fdt)
{
	u64 base = hyp_boot.carve_base, size = hyp_boot.carve_end - base;
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	fdt32_t reg[4];
	char name[40];
	int ac, sc, node;

	if (rm < 0) {
		rm = fdt_add_subnode(fdt, 0, "reserved-memory");
		fdt_ok(rm, "add /reserved-memory");
		fdt_ok(fdt_setprop_u32(fdt, rm, "#address-cells", 2),
		       "#address-cells");
		fdt_ok(fdt_setprop_u32(fdt, rm, "#size-cells", 2),
		       "#size-cells");
		fdt_ok(fdt_setprop(fdt, rm, "ranges", NULL, 0), "ranges");
	}
	ac = fdt_address_cells(fdt, rm);
	sc = fdt_size_cells(fdt, rm);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		hyp_panic("DTB: odd /reserved-memory cells");
	hyp_snprintf(name, sizeof(name), S2OWN_DT_NODE "@%lx", base);
	node = fdt_add_subnode(fdt, rm, name);
	fdt_ok(node, "add carve-out node");
	put_cells(reg, ac, base);
	put_cells(reg + ac, sc, size);
	fdt_ok(fdt_setprop(fdt, node, "reg", reg, 4 * (ac + sc)), "reg");
	fdt_ok(fdt_setprop(fdt, node, "no-map", NULL, 0), "no-map");
}

/* The #interrupt-cells of the controller @node's interrupts go to. */
static int interrupt_cells(const void *fdt, int node)
{
	const fdt32_t *prop;

	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		prop = fdt_getprop(fdt, node, "interrupt-parent", NULL);
		if (prop) {
			node = fdt_node_offset_by_phandle(fdt,
							  fdt32_to_cpu(*prop));
			prop = fdt_getprop(fdt, node, "#interrupt-cells",
					   NULL);
			return prop ? (int)fdt32_to_cpu(*prop) : -1;
		}
	}
	return -1;
}

/*
 * Leaves the architected timer's first two interrupts (secure and
 * non-secure physical). Linux entered at EL1 then uses the EL1 physical
 * timer, whose registers a guest cannot reach (CNTHCTL_EL2 traps them), so
 * its tick comes while a guest runs; the virtual timer, which no CPU
 * without FEAT_ECV can keep from a guest, is the guests'.
 */
static void host_physical_timer(void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	fdt32_t keep[8];
	int cells, len;
	const void *irqs;

	if (node < 0)
		hyp_panic("DTB: no arm,armv8-timer node");
	irqs = fdt_getprop(fdt, node, "interrupts", &len);
	cells = interrupt_cells(fdt, node);
	if (!irqs || cells <= 0 || cells > 4 || len < 8 * cells)
		hyp_panic("DTB: timer interrupts not understood");
	memcpy(keep, irqs, 8 * cells);
	fdt_ok(fdt_setprop(fdt, node, "interrupts", keep, 8 * cells),
	       "timer interrupts");
	fdt_delprop(fdt, node, "interrupt-names");
}

/**
 * hyp_fdt_patch_for_host() - the DTB as the host should see it.
 *
 * The carve-out reserved, the virtual timer kept for guests (above).
 */
void hyp_fdt_patch_for_host(void)
{
	void *fdt = hyp_boot.fdt;

	hide_carveout(fdt);
	host_physical_timer(fdt);
	/* Linux reads the DTB with its MMU off first. */
	hyp_clean_dcache_poc((u64)fdt, fdt_totalsize(fdt));
}
