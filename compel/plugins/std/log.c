// SPDX-License-Identifier: GPL-2.0
/*
 * Parasite logging: a tiny formatter, and one write per message to the
 * non-blocking log pipe, so a full pipe drops messages instead of hanging.
 */

#include "compel/plugins/std/std.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put(o, *s++);
}

static void put_num(struct out *o, unsigned long v, unsigned int base, int neg)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		put(o, '-');
	while (i)
		put(o, tmp[--i]);
}

static void put_arg(struct out *o, char conv, int is_long, va_list *args)
{
	long sv;
	unsigned long uv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = is_long ? va_arg(*args, long) : va_arg(*args, int);
		put_num(o, sv < 0 ? -(unsigned long)sv : (unsigned long)sv, 10, sv < 0);
		break;
	case 'u':
	case 'x':
		uv = is_long ? va_arg(*args, unsigned long) : va_arg(*args, unsigned int);
		put_num(o, uv, conv == 'x' ? 16 : 10, 0);
		break;
	case 'p':
		put_str(o, "0x");
		put_num(o, (unsigned long)va_arg(*args, void *), 16, 0);
		break;
	case 's':
		put_str(o, va_arg(*args, const char *));
		break;
	case 'c':
		put(o, (char)va_arg(*args, int));
		break;
	default:
		put(o, conv);
	}
}

int std_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { .buf = buf, .size = size };
	va_list ap;
	int is_long;

	va_copy(ap, args);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		is_long = *fmt == 'l' || *fmt == 'z';
		if (is_long)
			fmt++;
		if (!*fmt)
			break;
		put_arg(&o, *fmt, is_long, &ap);
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len;
}

void std_log(unsigned int level, const char *fmt, ...)
{
	struct compel_parasite_hdr *hdr = std_hdr();
	char buf[256];
	va_list args;
	int len;

	if (!hdr || level > hdr->log_level)
		return;
	/* One record per line: the level digit, then the text. */
	buf[0] = '0' + level;
	va_start(args, fmt);
	len = std_vsnprintf(buf + 1, sizeof(buf) - 2, fmt, args) + 1;
	va_end(args);
	if (len > (int)sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	if (buf[len - 1] != '\n')
		buf[len++] = '\n';
	sys_write(hdr->log_fd, buf, len);
}
