// SPDX-License-Identifier: GPL-2.0
/*
 * Verifiable test data: pseudo-random bytes plus a crc32, so that a test
 * can tell after restore whether memory (or a file, a pipe ...) still holds
 * what it wrote.  Start with crc = ~0U:
 *
 *	uint32_t crc = ~0U;
 *	datagen(buf, len, &crc);		data + crc in the last 4 bytes
 *	...
 *	crc = ~0U;
 *	if (datachk(buf, len, &crc))
 *		fail("data corrupted");
 */
#include "zdtmtst.h"

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	int i, k;

	if (crc_table[1])
		return;
	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t zdtm_crc32(uint32_t crc, const uint8_t *buf, size_t len)
{
	crc_init();
	while (len--)
		crc = crc_table[(crc ^ *buf++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint64_t rnd_state;

static uint8_t rnd_byte(void)
{
	/* xorshift64*: fast, and good enough to tell pages apart */
	if (!rnd_state)
		rnd_state = ((uint64_t)lrand48() << 32) ^ (uint64_t)lrand48() ^
			    0x9e3779b97f4a7c15ULL;
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545f4914f6cdd1dULL) >> 56;
}

static void fill(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = rnd_byte();
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

void datagen(uint8_t *buf, size_t len, uint32_t *crc)
{
	if (len < 4) {
		datagen2(buf, len, crc);
		return;
	}
	fill(buf, len - 4);
	*crc = zdtm_crc32(*crc, buf, len - 4);
	put_le32(buf + len - 4, *crc);
}

void datagen2(uint8_t *buf, size_t len, uint32_t *crc)
{
	fill(buf, len);
	*crc = zdtm_crc32(*crc, buf, len);
}

int datachk(const uint8_t *buf, size_t len, uint32_t *crc)
{
	if (len < 4)
		return -1;
	*crc = zdtm_crc32(*crc, buf, len - 4);
	if (*crc != get_le32(buf + len - 4)) {
		test_msg("datachk: crc32 %08x, expected %08x\n", *crc, get_le32(buf + len - 4));
		return -1;
	}
	return 0;
}

int datasum(const uint8_t *buf, size_t len, uint32_t *crc)
{
	*crc = zdtm_crc32(*crc, buf, len);
	return 0;
}
