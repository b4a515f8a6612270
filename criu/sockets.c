// SPDX-License-Identifier: GPL-2.0
/* Socket options every socket family carries in SkOptsEntry. */

#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "log.h"
#include "sockets.h"

#ifndef SO_GET_FILTER
#define SO_GET_FILTER SO_ATTACH_FILTER
#endif

static int get_int(int sk, int name, int *val, const char *desc, const char *what)
{
	socklen_t len = sizeof(*val);

	if (getsockopt(sk, SOL_SOCKET, name, val, &len)) {
		pr_perror("Can't read %s of %s", what, desc);
		return -1;
	}
	return 0;
}

static int get_tv(int sk, int name, uint64_t *sec, uint64_t *usec, const char *desc,
		  const char *what)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(sk, SOL_SOCKET, name, &tv, &len)) {
		pr_perror("Can't read %s of %s", what, desc);
		return -1;
	}
	*sec = tv.tv_sec;
	*usec = tv.tv_usec;
	return 0;
}

#define GET_BOOL(name, field)                             \
	do {                                              \
		if (get_int(sk, name, &val, desc, #name)) \
			return -1;                        \
		soe->has_##field = true;                  \
		soe->field = !!val;                       \
	} while (0)

#define GET_U32(name, field)                              \
	do {                                              \
		if (get_int(sk, name, &val, desc, #name)) \
			return -1;                        \
		soe->has_##field = true;                  \
		soe->field = val;                         \
	} while (0)

int sk_opts_dump(int sk, SkOptsEntry *soe, const char *desc)
{
	socklen_t len = 0;
	int val;

	sk_opts_entry__init(soe);
	/* The doubled values getsockopt() shows, as CRIU saves them. */
	if (get_int(sk, SO_SNDBUF, &val, desc, "SO_SNDBUF"))
		return -1;
	soe->so_sndbuf = val;
	if (get_int(sk, SO_RCVBUF, &val, desc, "SO_RCVBUF"))
		return -1;
	soe->so_rcvbuf = val;
	if (get_tv(sk, SO_SNDTIMEO, &soe->so_snd_tmo_sec, &soe->so_snd_tmo_usec, desc,
		   "SO_SNDTIMEO") ||
	    get_tv(sk, SO_RCVTIMEO, &soe->so_rcv_tmo_sec, &soe->so_rcv_tmo_usec, desc,
		   "SO_RCVTIMEO"))
		return -1;
	GET_BOOL(SO_REUSEADDR, reuseaddr);
	GET_U32(SO_PRIORITY, so_priority);
	GET_U32(SO_RCVLOWAT, so_rcvlowat);
	GET_U32(SO_MARK, so_mark);
	GET_BOOL(SO_PASSCRED, so_passcred);
	GET_BOOL(SO_PASSSEC, so_passsec);
	GET_BOOL(SO_DONTROUTE, so_dontroute);
	GET_BOOL(SO_NO_CHECK, so_no_check);
	GET_BOOL(SO_REUSEPORT, so_reuseport);
	GET_BOOL(SO_BROADCAST, so_broadcast);
	GET_BOOL(SO_KEEPALIVE, so_keepalive);

	/* With no buffer the kernel answers the number of filter instructions. */
	if (getsockopt(sk, SOL_SOCKET, SO_GET_FILTER, NULL, &len) == 0 && len) {
		pr_err("Can't dump %s: it has a socket filter (SO_ATTACH_FILTER) of %u instructions (socket filters are not supported yet)\n",
		       desc, len);
		return -1;
	}
	return 0;
}

static int set_int(int sk, int name, int val, const char *what)
{
	if (setsockopt(sk, SOL_SOCKET, name, &val, sizeof(val))) {
		pr_perror("Can't restore %s=%d", what, val);
		return -1;
	}
	return 0;
}

static int set_buf(int sk, int force, int plain, uint32_t saved, const char *what)
{
	/* The kernel doubles what it is given. */
	int val = saved / 2;

	if (!saved)
		return 0;
	if (!setsockopt(sk, SOL_SOCKET, force, &val, sizeof(val)))
		return 0;
	return set_int(sk, plain, val, what);
}

static int set_tv(int sk, int name, uint64_t sec, uint64_t usec, const char *what)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };

	if (setsockopt(sk, SOL_SOCKET, name, &tv, sizeof(tv))) {
		pr_perror("Can't restore %s", what);
		return -1;
	}
	return 0;
}

#define SET_OPT(name, field)                                                                \
	do {                                                                                \
		if (soe->has_##field && soe->field && set_int(sk, name, soe->field, #name)) \
			return -1;                                                          \
	} while (0)

int sk_opts_restore(int sk, const SkOptsEntry *soe)
{
	if (set_buf(sk, SO_SNDBUFFORCE, SO_SNDBUF, soe->so_sndbuf, "SO_SNDBUF") ||
	    set_buf(sk, SO_RCVBUFFORCE, SO_RCVBUF, soe->so_rcvbuf, "SO_RCVBUF") ||
	    set_tv(sk, SO_SNDTIMEO, soe->so_snd_tmo_sec, soe->so_snd_tmo_usec, "SO_SNDTIMEO") ||
	    set_tv(sk, SO_RCVTIMEO, soe->so_rcv_tmo_sec, soe->so_rcv_tmo_usec, "SO_RCVTIMEO"))
		return -1;
	SET_OPT(SO_REUSEADDR, reuseaddr);
	SET_OPT(SO_PRIORITY, so_priority);
	/* 1 is the default low-water mark; 0 reads as 1 too. */
	if (soe->has_so_rcvlowat && soe->so_rcvlowat > 1 &&
	    set_int(sk, SO_RCVLOWAT, soe->so_rcvlowat, "SO_RCVLOWAT"))
		return -1;
	SET_OPT(SO_MARK, so_mark);
	SET_OPT(SO_PASSCRED, so_passcred);
	SET_OPT(SO_PASSSEC, so_passsec);
	SET_OPT(SO_DONTROUTE, so_dontroute);
	SET_OPT(SO_NO_CHECK, so_no_check);
	SET_OPT(SO_REUSEPORT, so_reuseport);
	SET_OPT(SO_BROADCAST, so_broadcast);
	SET_OPT(SO_KEEPALIVE, so_keepalive);
	if (soe->n_so_filter) {
		pr_err("Can't restore a socket filter (not supported)\n");
		return -1;
	}
	return 0;
}
