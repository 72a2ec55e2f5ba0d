// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C library subset the image needs: what the compiler may call
 * (memcpy, memset, ...) and what Debian's libfdt.a links against, including
 * the stack protector it was built with.
 *
 * Byte-at-a-time on purpose: some of this runs with the MMU off, where
 * memory is Device and unaligned wide accesses fault; none of it is hot.
 * Built with -fno-tree-loop-distribute-patterns so GCC does not turn these
 * loops back into calls to themselves.
 */
#include "hyp.h"

/* libfdt is built with -fstack-protector-strong; this is its canary. */
unsigned long __stack_chk_guard = 0x5a3c2f1e9d8b7a65UL;

/**
 * __stack_chk_fail() - a stack canary was overwritten: stop.
 */
void __attribute__((noreturn)) __stack_chk_fail(void)
{
	hyp_panic("stack protector: stack smashed");
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Both 8-byte aligned (a struct, a page): a word at a time. */
	if (!(((uintptr_t)d | (uintptr_t)s) & 7)) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(u64 *)d = *(const u64 *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	/* Zeroing an 8-byte aligned struct, the usual call: a word a time. */
	if (!c && !((uintptr_t)d & 7)) {
		for (; n >= 8; n -= 8, d += 8)
			*(u64 *)d = 0;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *nptr, char **endptr, int base)
{
	const char *s = nptr;
	unsigned long v = 0;
	bool neg = false, any = false;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*s) < base; s++) {
		v = v * (unsigned long)base + (unsigned long)digit_value(*s);
		any = true;
	}
	if (endptr)
		*endptr = (char *)(any ? s : nptr);
	return neg ? -v : v;
}
