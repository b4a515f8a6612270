/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 32-bit (i386) program for an x86_64 kernel: says "ready" on fd 1 and
 * spins.  compel must refuse it and leave it running.
 */
	.text
	.globl _start
_start:
	movl	$4, %eax		/* write(1, msg, 6), i386 numbering */
	movl	$1, %ebx
	movl	$msg, %ecx
	movl	$6, %edx
	int	$0x80
1:	jmp	1b

	.data
msg:	.ascii	"ready\n"

	.section .note.GNU-stack, "", @progbits
