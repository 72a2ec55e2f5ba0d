// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's console and its result: a small printf on top of
 * S2OWN_VMM_PUTS (up to 32 bytes a call, so one printf is one or a few
 * HVC exits), the first failure a check recorded, and S2OWN_VMM_RESULT.
 */
#include "guest.h"

struct chunk {
	char buf[S2OWN_VMM_PUTS_MAX];
	unsigned int len;
};

static struct {
	u64 code;
	u64 detail;
} first_failure;

static void chunk_flush(struct chunk *c)
{
	struct smccc r = { { S2OWN_VMM_PUTS, c->len } };
	unsigned int i;

	if (!c->len)
		return;
	for (i = 0; i < c->len; i++)
		r.x[2 + i / 8] |= (u64)(u8)c->buf[i] << (8 * (i % 8));
	guest_hvc(&r);
	c->len = 0;
}

static void chunk_putc(struct chunk *c, char ch)
{
	c->buf[c->len++] = ch;
	if (c->len == S2OWN_VMM_PUTS_MAX)
		chunk_flush(c);
}

static void chunk_num(struct chunk *c, u64 v, unsigned int base,
		      unsigned int width, char pad)
{
	char digits[20];
	unsigned int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (; width > n; width--)
		chunk_putc(c, pad);
	while (n)
		chunk_putc(c, digits[--n]);
}

/**
 * guest_printf() - print through the VMM's console.
 * @fmt: %s, %c, %d, %u, %x, with an optional 'l' (64-bit argument), a
 *       width and a '0' flag for the numbers
 *
 * The VMM collects the bytes of each vCPU up to a newline.
 */
void guest_printf(const char *fmt, ...)
{
	struct chunk c;
	va_list ap;

	c.len = 0;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		unsigned int width = 0;
		char pad = ' ';
		bool lng = false;
		const char *s;
		s64 sv;
		u64 v;

		if (*fmt != '%') {
			chunk_putc(&c, *fmt);
			continue;
		}
		if (*++fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		if (*fmt == 'l') {
			lng = true;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				chunk_putc(&c, *s);
			break;
		case 'c':
			chunk_putc(&c, (char)va_arg(ap, int));
			break;
		case 'd':
			sv = lng ? va_arg(ap, s64) : va_arg(ap, int);
			if (sv < 0)
				chunk_putc(&c, '-');
			chunk_num(&c, sv < 0 ? -(u64)sv : (u64)sv, 10, width,
				  pad);
			break;
		case 'u':
		case 'x':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			chunk_num(&c, v, *fmt == 'x' ? 16 : 10, width, pad);
			break;
		case '\0':
			fmt--;
			break;
		default:
			chunk_putc(&c, *fmt);
			break;
		}
	}
	va_end(ap);
	chunk_flush(&c);
}

/**
 * guest_fail() - record a failed check; the first one is the result.
 * @code: S2OWN_GUEST_FAIL_*
 * @detail: what RESULT reports in x3 (docs/guests.md)
 */
void guest_fail(u64 code, u64 detail)
{
	u64 none = 0;

	guest_printf("FAIL: code %lu detail 0x%lx\n", code, detail);
	if (__atomic_compare_exchange_n(&first_failure.code, &none, code,
					false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		first_failure.detail = detail;
}

/**
 * guest_result() - send S2OWN_VMM_RESULT.
 * @code: 0 pass, or S2OWN_GUEST_FAIL_*
 * @sum: x2, the checksum (or what the mode counts, docs/guests.md)
 * @detail: x3
 */
void guest_result(u64 code, u64 sum, u64 detail)
{
	struct smccc r = { { S2OWN_VMM_RESULT, code, sum, detail } };

	guest_hvc(&r);
}

/**
 * guest_report() - send the mode's RESULT: the first failure, if any.
 * @sum: x2
 * @detail: x3 when every check passed
 */
void guest_report(u64 sum, u64 detail)
{
	u64 code = __atomic_load_n(&first_failure.code, __ATOMIC_RELAXED);

	guest_printf("result: %s, x2 0x%lx\n", code ? "FAIL" : "pass", sum);
	guest_result(code, sum, code ? first_failure.detail : detail);
}

/**
 * guest_finish() - guest_report(), then power the VM off.
 * @sum: x2
 * @detail: x3 when every check passed
 */
void guest_finish(u64 sum, u64 detail)
{
	guest_report(sum, detail);
	psci_system_off();
}
