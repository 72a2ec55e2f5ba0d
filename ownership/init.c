// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bringing the tracker up: memory map, page metadata, table pool, VM
 * slots, host stage-2, in that order.
 */
#include "mem_protect.h"
#include "pool.h"
#include "stats.h"
#include "sync.h"
#include "vm.h"

/**
 * s2o_init() - reset the tracker to its boot state.
 * @params: memory map, metadata array, table-page pool and CPU count.
 *
 * Return: 0, -EINVAL for a malformed map or no CPU, -ENOMEM for a pool
 * that cannot hold the host stage-2's root, the tables that annotate the
 * hypervisor's RAM and the host reserve (s2o_host_mmu_init()).
 */
int s2o_init(const struct s2o_init_params *params)
{
	int ret;

	if (!params->nr_cpus)
		return -S2OWN_EINVAL;
	s2o_big_lock = (struct s2o_spinlock){ 0 };
	s2o_counters = (struct s2own_stats){ 0 };
	ret = s2o_memmap_init(params);
	if (!ret)
		ret = s2o_pages_init(params->metadata);
	if (!ret)
		ret = s2o_pool_init(params->pool_base, params->pool_pages,
				    s2o_host_reserve_pages(params->regions,
							   params->nr_regions,
							   params->nr_cpus));
	if (ret)
		return ret;
	s2o_vms_init();
	return s2o_host_mmu_init();
}
