/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cmocka side of the harness (harness.h): every tests/test_*.c starts
 * from harness_setup() and ends in harness_teardown(), and fails through
 * these asserts.
 */
#ifndef S2OWN_TEST_HARNESS_CMOCKA_H
#define S2OWN_TEST_HARNESS_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

/* cmocka setup: the usual map, a pool of POOL_PAGES. */
int harness_setup(void **state);
/* cmocka teardown: no break-before-make violation, the invariants hold. */
int harness_teardown(void **state);

/* Assert that the BBM checker saw nothing. */
void assert_no_violation(void);

/* Assert that s2o_check_invariants() finds everything consistent. */
void assert_invariants(void);

#endif /* S2OWN_TEST_HARNESS_CMOCKA_H */
