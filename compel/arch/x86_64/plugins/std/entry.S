/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where compel starts the parasite: (hdr, cmd, args) are already in the
 * argument registers and the stack is 16-byte aligned.  The int3 hands the
 * thread back to compel with the result in rax.
 */
	.section .head.text, "ax"
	.globl __export_parasite_entry
	.type __export_parasite_entry, @function
__export_parasite_entry:
	call	std_parasite_main
	int3
	.size __export_parasite_entry, . - __export_parasite_entry

	.section .note.GNU-stack, "", @progbits
