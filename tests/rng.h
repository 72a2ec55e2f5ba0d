/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host tests' random numbers: splitmix64, a stream per u64 of state.
 * Any value is a valid state, the next one is the state plus a constant,
 * so a stream is replayed from its seed alone; each thread of a test keeps
 * a stream of its own (rng_mix(seed + thread)). Fast enough for the
 * benchmarks' loops, which is why all but the seed is inline.
 */
#ifndef S2OWN_TEST_RNG_H
#define S2OWN_TEST_RNG_H

#include "../ownership/types.h"

/* The next value of the stream whose state is *@state, advanced. */
static inline u64 rng_next(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A value in [0, @n) from the stream; 0 if @n is 0. */
static inline u64 rng_below(u64 *state, u64 n)
{
	return n ? rng_next(state) % n : 0;
}

/* @x scrambled: the first state of a stream of its own, from a seed. */
static inline u64 rng_mix(u64 x)
{
	return rng_next(&x);
}

/*
 * The run's seed: S2OWN_SEED if it is set (in any base strtoull() reads),
 * else one from the clock and the process id. A test prints it, so that
 * S2OWN_SEED replays the run.
 */
u64 rng_seed(void);

#endif /* S2OWN_TEST_RNG_H */
