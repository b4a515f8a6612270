/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where compel starts the parasite: (hdr, cmd, args) are in x0-x2 and sp is
 * 16-byte aligned.  The brk hands the thread back with the result in x0.
 */
	.section .head.text, "ax"
	.globl __export_parasite_entry
	.type __export_parasite_entry, %function
__export_parasite_entry:
	bl	std_parasite_main
	brk	#0
	.size __export_parasite_entry, . - __export_parasite_entry

	.section .note.GNU-stack, "", %progbits
