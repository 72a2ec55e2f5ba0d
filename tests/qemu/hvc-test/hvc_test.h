/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s2own_test.ko: what its files share (main.c lists them). They build on
 * s2own.ko's exports, declared in host-driver/drv.h and debugfs.h.
 */
#ifndef S2OWN_HVC_TEST_H
#define S2OWN_HVC_TEST_H

#include <linux/types.h>

#define S2OWN_STORM_MAX_SECONDS	3600
#define S2OWN_FUZZ_MAX_CALLS	100000000ULL

/* storm.c */
int s2own_storm_start(unsigned int seconds);
bool s2own_storm_idle(void);
size_t s2own_storm_fmt(char *buf, size_t size);
void s2own_storm_exit(void);

/* fuzz.c */
int s2own_fuzz_run(u64 calls, u64 seed);
size_t s2own_fuzz_fmt(char *buf, size_t size);
void s2own_fuzz_exit(void);

#endif /* S2OWN_HVC_TEST_H */
