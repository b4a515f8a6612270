/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_PLUGINS_STD_STRING_H
#define COMPEL_PLUGINS_STD_STRING_H

/* The compiler may emit calls to the first four even with -fno-builtin. */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t std_strlen(const char *s);
int std_strcmp(const char *a, const char *b);

#endif
