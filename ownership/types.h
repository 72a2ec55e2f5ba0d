/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types and helpers shared by every layer of s2own.
 *
 * The core is built freestanding at EL2 and hosted for tests, so it relies on
 * nothing but the compiler: fixed-width types come from <stdint.h>/<stddef.h>,
 * which both environments provide. Constants other layers see too (error
 * numbers, owners, page states) come from the ABI header, defined once.
 */
#ifndef S2OWN_TYPES_H
#define S2OWN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../abi/s2own_abi.h"	/* error numbers, owners, states */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int64_t s64;

#define S2O_PAGE_SHIFT 12
#define S2O_PAGE_SIZE (1UL << S2O_PAGE_SHIFT)

#define S2O_BIT(n) (1ULL << (n))
/* Bits h..l inclusive, like the kernel's GENMASK_ULL. */
#define S2O_GENMASK(h, l) ((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))

#define S2O_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define S2O_ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define S2O_ALIGN_UP(x, a) S2O_ALIGN_DOWN((x) + (a) - 1, (a))
#define S2O_MIN(a, b) ((a) < (b) ? (a) : (b))
#define S2O_MAX(a, b) ((a) > (b) ? (a) : (b))
#define S2O_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define s2o_container_of(ptr, type, member)				\
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* S2OWN_TYPES_H */
