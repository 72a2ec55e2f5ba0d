// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 console, a small printf, and panic.
 *
 * The host drives the same UART; our lines are rare (boot, CPU bring-up,
 * panics), so we simply poll the FIFO and let the two interleave by line.
 * The UART is written with the MMU off too (Device memory either way).
 */
#include "hyp.h"
#include "sysreg.h"

#define UARTDR		0x000
#define UARTFR		0x018
#define UARTCR		0x030
#define UARTFR_TXFF	(1U << 5)
#define UARTCR_UARTEN	(1U << 0)
#define UARTCR_TXE	(1U << 8)

static hyp_spinlock_t console_lock;
static bool console_busted;	/* a panicking CPU stopped taking the lock */
static u32 panic_owner = ~0U;	/* logical id of the CPU that panics */

static inline void mmio_write32(u64 addr, u32 val)
{
	*(volatile u32 *)addr = val;
}

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)addr;
}

/**
 * hyp_console_init() - make sure the PL011 transmitter is enabled.
 *
 * QEMU's model transmits whatever the settings; on real hardware firmware
 * has set the baud rate, we only switch the transmitter on.
 */
void hyp_console_init(void)
{
	u32 cr = mmio_read32(HYP_UART_BASE + UARTCR);

	if ((cr & (UARTCR_UARTEN | UARTCR_TXE)) !=
	    (UARTCR_UARTEN | UARTCR_TXE))
		mmio_write32(HYP_UART_BASE + UARTCR,
			     cr | UARTCR_UARTEN | UARTCR_TXE);
}

static void uart_putc(char c)
{
	while (mmio_read32(HYP_UART_BASE + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(HYP_UART_BASE + UARTDR, (u32)(unsigned char)c);
}

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

/* vsnprintf: %c %s %d %i %u %x %X %p %%, flags '-' '0', width, l/ll/z. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, u64 v, unsigned int base, bool neg,
		    int width, bool zero, bool left, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	pad = width - n - (neg ? 1 : 0);
	if (neg && zero)
		out_char(o, '-');
	if (!left)
		for (; pad > 0; pad--)
			out_char(o, zero ? '0' : ' ');
	if (neg && !zero)
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
	for (; pad > 0; pad--)
		out_char(o, ' ');
}

/**
 * hyp_vsnprintf() - format into @buf, always NUL-terminated.
 * @buf: destination
 * @size: bytes at @buf
 * @fmt: printf-style format (subset, see above)
 * @ap: arguments
 *
 * Return: the length the full output would have had.
 */
int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, lng = 0;
		u64 v;
		s64 sv;
		const char *s;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			width -= (int)strlen(s);
			if (!left)
				for (; width > 0; width--)
					out_char(&o, ' ');
			while (*s)
				out_char(&o, *s++);
			for (; width > 0; width--)
				out_char(&o, ' ');
			break;
		case 'd':
		case 'i':
			sv = lng ? va_arg(ap, s64) : va_arg(ap, int);
			out_num(&o, sv < 0 ? -(u64)sv : (u64)sv, 10, sv < 0,
				width, zero, left, false);
			break;
		case 'u':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_num(&o, v, 10, false, width, zero, left, false);
			break;
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_num(&o, v, 16, false, width, zero, left,
				*fmt == 'X');
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_num(&o, (u64)va_arg(ap, void *), 16, false, 16,
				true, false, false);
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

/**
 * hyp_snprintf() - hyp_vsnprintf() with variable arguments.
 * @buf: destination
 * @size: bytes at @buf
 * @fmt: format
 *
 * Return: the length the full output would have had.
 */
int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void console_lock_acquire(void)
{
	/*
	 * Before the MMU is on exclusives are not usable (Device memory);
	 * only the boot CPU runs then, so skip the lock.
	 */
	if (!(read_sysreg(sctlr_el2) & SCTLR_ELx_M))
		return;
	if (__atomic_load_n(&console_busted, __ATOMIC_RELAXED)) {
		/* Only the panicking CPU prints from now on. */
		if (this_cpu()->id != panic_owner)
			hyp_halt();
		return;
	}
	hyp_spin_lock(&console_lock);
}

static void console_lock_release(void)
{
	if (!(read_sysreg(sctlr_el2) & SCTLR_ELx_M) ||
	    __atomic_load_n(&console_busted, __ATOMIC_RELAXED))
		return;
	hyp_spin_unlock(&console_lock);
}

/**
 * hyp_printf() - print a formatted line (or part of one) on the console.
 * @fmt: format
 *
 * Output is built in a buffer first so lines from different CPUs do not
 * mix character by character.
 */
void hyp_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_lock_acquire();
	uart_puts(buf);
	console_lock_release();
}

static void print_sysregs(void)
{
	hyp_printf(HYP_PFX "ESR_EL2 %016lx ELR_EL2 %016lx FAR_EL2 %016lx\n",
		   read_sysreg(esr_el2), read_sysreg(elr_el2),
		   read_sysreg(far_el2));
	hyp_printf(HYP_PFX "SPSR_EL2 %016lx HPFAR_EL2 %016lx HCR_EL2 %016lx\n",
		   read_sysreg(spsr_el2), read_sysreg(hpfar_el2),
		   read_sysreg(hcr_el2));
}

/*
 * Become the one CPU that reports: the first panicking CPU wins, any other
 * CPU that panics meanwhile parks itself. A CPU that panics again while
 * reporting (fault in the panic path) gives up quietly.
 */
static void panic_enter(void)
{
	struct hyp_cpu *c = this_cpu();
	u32 expected = ~0U;

	if (++c->panic_depth > 2)
		hyp_halt();
	if (c->panic_depth > 1) {
		uart_puts("\n" HYP_PFX "PANIC (recursive)\n");
		hyp_psci_system_off();
	}
	if (!(read_sysreg(sctlr_el2) & SCTLR_ELx_M)) {
		/* MMU off: only the boot CPU runs, and no exclusives. */
		panic_owner = c->id;
		console_busted = true;
		return;
	}
	if (!__atomic_compare_exchange_n(&panic_owner, &expected, c->id,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE) &&
	    expected != c->id)
		hyp_halt();
	/* Give a CPU in the middle of a line a moment, then take over. */
	for (int i = 0; i < 1000000; i++) {
		if (hyp_spin_trylock(&console_lock))
			break;
		asm volatile("yield");
	}
	__atomic_store_n(&console_busted, true, __ATOMIC_RELEASE);
}

/**
 * hyp_panic() - report a fatal hypervisor error and stop the machine.
 * @fmt: the reason, printed after "S2OWN-HYP: PANIC "
 *
 * Prints the exception syndrome registers too, then powers the system off
 * through PSCI so that every CPU stops and nothing hangs silently.
 */
void hyp_panic(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hyp_printf("\n" HYP_PFX "PANIC %s\n", buf);
	hyp_printf(HYP_PFX "cpu %u, caller %p\n", this_cpu()->id,
		   __builtin_return_address(0));
	print_sysregs();
	hyp_psci_system_off();
}

/**
 * hyp_panic_regs() - hyp_panic() for an exception, with its registers.
 * @reason: what happened
 * @regs: general-purpose registers at the exception
 * @sp: stack pointer at the exception (0 if it was the host's)
 */
void hyp_panic_regs(const char *reason, const struct hyp_regs *regs, u64 sp)
{
	panic_enter();
	hyp_printf("\n" HYP_PFX "PANIC %s\n", reason);
	hyp_printf(HYP_PFX "cpu %u\n", this_cpu()->id);
	print_sysregs();
	for (int i = 0; i < 30; i += 2)
		hyp_printf(HYP_PFX "x%-2d %016lx x%-2d %016lx\n", i,
			   regs->x[i], i + 1, regs->x[i + 1]);
	hyp_printf(HYP_PFX "x30 %016lx sp  %016lx\n", regs->x[30], sp);
	hyp_psci_system_off();
}
