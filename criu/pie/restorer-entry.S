/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the restorer blob: criu calls it with (args, stack top) and never
 * gets control back.  The stack moves into the restore area first, since
 * criu's own stack is about to be unmapped.
 */
	.section .head.text, "ax"
	.globl __export_restorer_entry
	.type __export_restorer_entry, @function
__export_restorer_entry:
	mov	%rsi, %rsp
	xor	%rbp, %rbp
	call	restorer_main
	ud2
	.size __export_restorer_entry, . - __export_restorer_entry

	.section .note.GNU-stack, "", @progbits
