// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seed of a run of the host tests (see rng.h).
 */
#include "rng.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

u64 rng_seed(void)
{
	const char *env = getenv("S2OWN_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000007ULL ^ (u64)ts.tv_nsec ^
	       (u64)getpid() << 32;
}
