// SPDX-License-Identifier: GPL-2.0
/* A jump that a vDSO proxy puts at an old entry point, to the new one. */

#include <stdint.h>
#include <string.h>

#include "vdso.h"

/* jmp *0(%rip), then the 64-bit target it reads: 14 bytes, any distance. */
int arch_vdso_jump(void *at, uint64_t target)
{
	static const uint8_t jmp_rip[6] = { 0xff, 0x25, 0, 0, 0, 0 };

	memcpy(at, jmp_rip, sizeof(jmp_rip));
	memcpy((uint8_t *)at + sizeof(jmp_rip), &target, sizeof(target));
	return 0;
}
