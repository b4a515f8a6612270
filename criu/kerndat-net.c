// SPDX-License-Identifier: GPL-2.0
/* Network probes: TCP repair mode and the sock_diag families dumps depend on. */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kerndat-probe.h"
#include "log.h"
#include "sock-diag.h"

#undef LOG_PREFIX
#define LOG_PREFIX "kerndat: "

union diag_request {
	struct unix_diag_req unix_req;
	struct inet_diag_req_v2 inet_req;
	struct netlink_diag_req nl_req;
	struct packet_diag_req pkt_req;
};

/* Ask for a dump of one family; the kernel answers ENOENT when it has no handler. */
static bool diag_probe(const char *what, union diag_request *req, size_t req_len)
{
	int ret = sock_diag_dump(req, req_len, NULL, NULL);

	if (ret)
		pr_info("sock_diag for %s does not work: %s\n", what, strerror(-ret));
	return ret == 0;
}

static bool diag_inet(int family, int proto, const char *what)
{
	union diag_request req = {};

	req.inet_req.sdiag_family = family;
	req.inet_req.sdiag_protocol = proto;
	req.inet_req.idiag_states = ~0U;
	return diag_probe(what, &req, sizeof(req.inet_req));
}

static void probe_sock_diag(struct kerndat *kd)
{
	union diag_request req = {};

	req.unix_req.sdiag_family = AF_UNIX;
	req.unix_req.udiag_states = ~0U;
	req.unix_req.udiag_show = UDIAG_SHOW_NAME;
	kd->sk_diag_unix = diag_probe("unix", &req, sizeof(req.unix_req));

	kd->sk_diag_tcp = diag_inet(AF_INET, IPPROTO_TCP, "tcp");
	kd->sk_diag_udp = diag_inet(AF_INET, IPPROTO_UDP, "udp");
	kd->sk_diag_tcp6 = diag_inet(AF_INET6, IPPROTO_TCP, "tcp6");
	kd->sk_diag_udp6 = diag_inet(AF_INET6, IPPROTO_UDP, "udp6");

	memset(&req, 0, sizeof(req));
	req.nl_req.sdiag_family = AF_NETLINK;
	req.nl_req.sdiag_protocol = NDIAG_PROTO_ALL;
	req.nl_req.ndiag_show = NDIAG_SHOW_GROUPS;
	kd->sk_diag_netlink = diag_probe("netlink", &req, sizeof(req.nl_req));

	memset(&req, 0, sizeof(req));
	req.pkt_req.sdiag_family = AF_PACKET;
	req.pkt_req.pdiag_show = PACKET_SHOW_INFO;
	kd->sk_diag_packet = diag_probe("packet", &req, sizeof(req.pkt_req));
}

static void probe_tcp_repair(struct kerndat *kd)
{
	struct tcp_repair_window win;
	socklen_t len = sizeof(win);
	int sk, on = 1;

	sk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (sk < 0) {
		pr_info("No TCP socket: %s\n", strerror(errno));
		return;
	}
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR, &on, sizeof(on))) {
		pr_info("TCP_REPAIR refused: %s\n", strerror(errno));
		goto out;
	}
	kd->has_tcp_repair = true;
	kd->has_tcp_repair_window = getsockopt(sk, SOL_TCP, TCP_REPAIR_WINDOW, &win, &len) == 0;
out:
	close(sk);
}

/* Repair mode on a socket whose write side is shut down (FIN_WAIT states). */
static void probe_tcp_half_closed(struct kerndat *kd)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	int lsk, csk = -1, ask = -1, on = 1;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsk < 0)
		return;
	if (bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) || listen(lsk, 1) ||
	    getsockname(lsk, (struct sockaddr *)&addr, &alen)) {
		pr_info("Can't listen on loopback: %s\n", strerror(errno));
		goto out;
	}
	csk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (csk < 0 || connect(csk, (struct sockaddr *)&addr, sizeof(addr))) {
		pr_info("Can't connect on loopback: %s\n", strerror(errno));
		goto out;
	}
	ask = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
	if (ask < 0 || shutdown(csk, SHUT_WR))
		goto out;
	kd->has_tcp_half_closed = setsockopt(csk, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) == 0;
	if (kd->has_tcp_half_closed) {
		/* Leave repair mode so close() does not need to be clean. */
		on = 0;
		setsockopt(csk, SOL_TCP, TCP_REPAIR, &on, sizeof(on));
	}
out:
	if (ask >= 0)
		close(ask);
	if (csk >= 0)
		close(csk);
	close(lsk);
}

int kerndat_probe_net(struct kerndat *kd)
{
	probe_sock_diag(kd);
	probe_tcp_repair(kd);
	probe_tcp_half_closed(kd);
	return 0;
}
