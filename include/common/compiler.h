/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMMON_COMPILER_H
#define COMMON_COMPILER_H

/* Tiny compiler helpers shared by every part of the tree; depends on nothing. */

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __maybe_unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used __attribute__((used))

#ifndef offsetof
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))

#define round_up(x, y) ((((x)-1) | ((__typeof__(x))((y)-1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y)-1)))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

#endif
