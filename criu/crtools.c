// SPDX-License-Identifier: GPL-2.0
/* placeholder until the command line lands */
#include <stdio.h>
int main(void)
{
	return 1;
}
