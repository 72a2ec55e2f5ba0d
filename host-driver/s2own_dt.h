/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding the hypervisor from Linux: its /reserved-memory node. Shared by
 * the driver and the test and measurement modules, which must also tell a
 * boot without s2own (bare Linux, pKVM) apart.
 */
#ifndef S2OWN_DT_H
#define S2OWN_DT_H

#include <linux/of.h>

#include "s2own_abi.h"

/*
 * The hypervisor's node, with a reference the caller drops with
 * of_node_put(), or NULL when the host did not boot under s2own.
 */
static inline struct device_node *s2own_hyp_dt_node(void)
{
	struct device_node *rm, *child;

	rm = of_find_node_by_path("/reserved-memory");
	if (!rm)
		return NULL;
	for_each_child_of_node(rm, child)
		if (of_node_name_eq(child, S2OWN_DT_NODE))
			break;
	of_node_put(rm);
	return child;
}

/*
 * Whether the host booted under s2own: checked before the first HVC,
 * which is UNDEFINED at EL1 when no hypervisor is there.
 */
static inline bool s2own_hyp_in_dt(void)
{
	struct device_node *np = s2own_hyp_dt_node();

	of_node_put(np);
	return np;
}

#endif /* S2OWN_DT_H */
