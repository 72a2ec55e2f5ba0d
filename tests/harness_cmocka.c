// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cmocka wrappers and asserts of the harness (see harness_cmocka.h).
 */
#include "harness_cmocka.h"

int harness_setup(void **state)
{
	(void)state;
	return harness_setup_pool(POOL_PAGES);
}

int harness_teardown(void **state)
{
	(void)state;
	assert_no_violation();
	assert_invariants();
	return 0;
}

void assert_invariants(void)
{
	char msg[CHECK_MSG_LEN];

	if (!harness_invariants_hold(msg))
		fail_msg("%s", msg);
}

void assert_no_violation(void)
{
	const char *v = fake_first_violation();

	if (v)
		fail_msg("break-before-make checker: %s", v);
}
