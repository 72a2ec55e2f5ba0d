/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding replacement for libfdt_env.h, found before Debian's copy
 * (libfdt.h includes it with <>), so that libfdt.h builds without a hosted
 * libc: the types, the big-endian conversions, and the declarations of the
 * string functions hyp/lib.c provides.
 */
#ifndef LIBFDT_ENV_H
#define LIBFDT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_FORCE
#define FDT_BITWISE

/*
 * fdt16_t, fdt32_t, fdt64_t and their fdtN_to_cpu(), cpu_to_fdtN(): the
 * tree is big-endian and EL2 little-endian, so each way is a byte swap.
 */
#define FDT_ENDIAN(n)							\
	typedef uint##n##_t fdt##n##_t;					\
	static inline uint##n##_t fdt##n##_to_cpu(fdt##n##_t x)		\
	{								\
		return __builtin_bswap##n(x);				\
	}								\
	static inline fdt##n##_t cpu_to_fdt##n(uint##n##_t x)		\
	{								\
		return __builtin_bswap##n(x);				\
	}

FDT_ENDIAN(16)
FDT_ENDIAN(32)
FDT_ENDIAN(64)

void *memchr(const void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
char *strchr(const char *s, int c);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *nptr, char **endptr, int base);

#endif /* LIBFDT_ENV_H */
