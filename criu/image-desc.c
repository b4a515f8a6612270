// SPDX-License-Identifier: GPL-2.0
/* The table of image kinds: file names, magics and the messages they hold. */

#include <stddef.h>

#include "common/compiler.h"
#include "image-desc.h"
#include "magic.h"

#include "images/core.pb-c.h"
#include "images/fdinfo.pb-c.h"
#include "images/fh.pb-c.h"
#include "images/file-lock.pb-c.h"
#include "images/fs.pb-c.h"
#include "images/ghost-file.pb-c.h"
#include "images/inventory.pb-c.h"
#include "images/memfd.pb-c.h"
#include "images/mm.pb-c.h"
#include "images/pagemap.pb-c.h"
#include "images/pipe-data.pb-c.h"
#include "images/pstree.pb-c.h"
#include "images/remap-file-path.pb-c.h"
#include "images/sk-packet.pb-c.h"
#include "images/stats.pb-c.h"

#define KIND(_id, _name, _fmt, _magic, _pb) \
	[CR_FD_##_id] = {                   \
		.name = _name,              \
		.fmt = _fmt,                \
		.magic = _magic,            \
		.pb_type = _pb,             \
		.head_pb_type = -1,         \
	}

const struct cr_fd_desc cr_fd_desc[CR_FD_MAX] = {
	KIND(INVENTORY, "inventory", "inventory.img", INVENTORY_MAGIC, PB_INVENTORY),
	KIND(PSTREE, "pstree", "pstree.img", PSTREE_MAGIC, PB_PSTREE),
	KIND(CORE, "core", "core-%u.img", CORE_MAGIC, PB_CORE),
	KIND(IDS, "ids", "ids-%u.img", IDS_MAGIC, PB_IDS),
	KIND(MM, "mm", "mm-%u.img", MM_MAGIC, PB_MM),
	KIND(VMAS, "vmas", "vmas-%u.img", VMAS_MAGIC, PB_VMA),
	[CR_FD_PAGEMAP] = {
		.name = "pagemap",
		.fmt = "pagemap-%u.img",
		.magic = PAGEMAP_MAGIC,
		.head_pb_type = PB_PAGEMAP_HEAD,
		.pb_type = PB_PAGEMAP,
	},
	[CR_FD_SHMEM_PAGEMAP] = {
		.name = "pagemap-shmem",
		.fmt = "pagemap-shmem-%u.img",
		.magic = SHMEM_PAGEMAP_MAGIC,
		.head_pb_type = PB_PAGEMAP_HEAD,
		.pb_type = PB_PAGEMAP,
	},
	[CR_FD_PAGES] = {
		.name = "pages",
		.fmt = "pages-%u.img",
		.magic = PAGES_MAGIC,
		.oflags = IMG_DESC_RAW,
		.pb_type = -1,
		.head_pb_type = -1,
	},
	KIND(FDINFO, "fdinfo", "fdinfo-%u.img", FDINFO_MAGIC, PB_FDINFO),
	KIND(FILES, "files", "files.img", FILES_MAGIC, PB_FILE),
	KIND(FS, "fs", "fs-%u.img", FS_MAGIC, PB_FS),
	KIND(REG_FILES, "reg-files", "reg-files.img", REG_FILES_MAGIC, PB_REG_FILE),
	KIND(EXT_FILES, "ext-files", "ext-files.img", EXT_FILES_MAGIC, PB_EXT_FILE),
	KIND(NS_FILES, "ns-files", "ns-files.img", NS_FILES_MAGIC, PB_NS_FILE),
	KIND(PIPES, "pipes", "pipes.img", PIPES_MAGIC, PB_PIPE),
	[CR_FD_PIPES_DATA] = {
		.name = "pipes-data",
		.fmt = "pipes-data.img",
		.magic = PIPES_DATA_MAGIC,
		.pb_type = PB_PIPE_DATA,
		.head_pb_type = -1,
		.payload = IMG_PAYLOAD_PIPE_DATA,
	},
	KIND(FIFO, "fifo", "fifo.img", FIFO_MAGIC, PB_FIFO),
	[CR_FD_FIFO_DATA] = {
		.name = "fifo-data",
		.fmt = "fifo-data.img",
		.magic = FIFO_DATA_MAGIC,
		.pb_type = PB_PIPE_DATA,
		.head_pb_type = -1,
		.payload = IMG_PAYLOAD_PIPE_DATA,
	},
	KIND(UNIXSK, "unixsk", "unixsk.img", UNIXSK_MAGIC, PB_UNIX_SK),
	[CR_FD_SK_QUEUES] = {
		.name = "sk-queues",
		.fmt = "sk-queues.img",
		.magic = SK_QUEUES_MAGIC,
		.pb_type = PB_SK_QUEUES,
		.head_pb_type = -1,
		.payload = IMG_PAYLOAD_SK_QUEUE,
	},
	KIND(EVENTFD_FILE, "eventfd", "eventfd.img", EVENTFD_FILE_MAGIC, PB_EVENTFD_FILE),
	KIND(EVENTPOLL_FILE, "eventpoll", "eventpoll.img", EVENTPOLL_FILE_MAGIC,
	     PB_EVENTPOLL_FILE),
	KIND(EVENTPOLL_TFD, "eventpoll-tfd", "eventpoll-tfd.img", EVENTPOLL_TFD_MAGIC,
	     PB_EVENTPOLL_TFD),
	KIND(SIGNALFD, "signalfd", "signalfd.img", SIGNALFD_MAGIC, PB_SIGNALFD),
	KIND(TIMERFD, "timerfd", "timerfd.img", TIMERFD_MAGIC, PB_TIMERFD),
	KIND(MEMFD_INODE, "memfd", "memfd.img", MEMFD_INODE_MAGIC, PB_MEMFD_INODE),
	KIND(INOTIFY_FILE, "inotify", "inotify.img", INOTIFY_FILE_MAGIC, PB_INOTIFY_FILE),
	KIND(INOTIFY_WD, "inotify-wd", "inotify-wd.img", INOTIFY_WD_MAGIC, PB_INOTIFY_WD),
	KIND(FANOTIFY_FILE, "fanotify", "fanotify.img", FANOTIFY_FILE_MAGIC, PB_FANOTIFY_FILE),
	KIND(FANOTIFY_MARK, "fanotify-mark", "fanotify-mark.img", FANOTIFY_MARK_MAGIC,
	     PB_FANOTIFY_MARK),
	KIND(SIGACT, "sigacts", "sigacts-%u.img", SIGACT_MAGIC, PB_SIGACT),
	KIND(ITIMERS, "itimers", "itimers-%u.img", ITIMERS_MAGIC, PB_ITIMER),
	KIND(POSIX_TIMERS, "posix-timers", "posix-timers-%u.img", POSIX_TIMERS_MAGIC,
	     PB_POSIX_TIMER),
	KIND(CREDS, "creds", "creds-%u.img", CREDS_MAGIC, PB_CREDS),
	KIND(RLIMIT, "rlimit", "rlimit-%u.img", RLIMIT_MAGIC, PB_RLIMIT),
	KIND(SIGNAL, "signal-s", "signal-s-%u.img", SIGNAL_MAGIC, PB_SIGINFO),
	KIND(PSIGNAL, "signal-p", "signal-p-%u.img", PSIGNAL_MAGIC, PB_SIGINFO),
	KIND(TTY_FILES, "tty", "tty.img", TTY_FILES_MAGIC, PB_TTY_FILE),
	KIND(TTY_INFO, "tty-info", "tty-info.img", TTY_INFO_MAGIC, PB_TTY_INFO),
	KIND(TTY_DATA, "tty-data", "tty-data.img", TTY_DATA_MAGIC, PB_TTY_DATA),
	KIND(FILE_LOCKS, "filelocks", "filelocks.img", FILE_LOCKS_MAGIC, PB_FILE_LOCK),
	KIND(REMAP_FPATH, "remap-fpath", "remap-fpath.img", REMAP_FPATH_MAGIC, PB_REMAP_FPATH),
	[CR_FD_GHOST_FILE] = {
		.name = "ghost-file",
		.fmt = "ghost-file-%x.img",
		.magic = GHOST_FILE_MAGIC,
		.head_pb_type = PB_GHOST_FILE,
		.pb_type = PB_GHOST_CHUNK,
		.payload = IMG_PAYLOAD_GHOST,
	},
	[CR_FD_STATS] = {
		.name = "stats",
		.fmt = "stats-%s.img",
		.magic = STATS_MAGIC,
		.oflags = IMG_DESC_SERVICE,
		.pb_type = PB_STATS,
		.head_pb_type = -1,
	},
	[CR_FD_IRMAP_CACHE] = {
		.name = "irmap-cache",
		.fmt = "irmap-cache.img",
		.magic = IRMAP_CACHE_MAGIC,
		.oflags = IMG_DESC_SERVICE,
		.pb_type = PB_IRMAP_CACHE,
		.head_pb_type = -1,
	},
};

static const ProtobufCMessageDescriptor *const pb_descs[PB_MAX] = {
	[PB_INVENTORY] = &inventory_entry__descriptor,
	[PB_PSTREE] = &pstree_entry__descriptor,
	[PB_CORE] = &core_entry__descriptor,
	[PB_IDS] = &task_kobj_ids_entry__descriptor,
	[PB_MM] = &mm_entry__descriptor,
	[PB_VMA] = &vma_entry__descriptor,
	[PB_PAGEMAP_HEAD] = &pagemap_head__descriptor,
	[PB_PAGEMAP] = &pagemap_entry__descriptor,
	[PB_FDINFO] = &fdinfo_entry__descriptor,
	[PB_FILE] = &file_entry__descriptor,
	[PB_FS] = &fs_entry__descriptor,
	[PB_REG_FILE] = &reg_file_entry__descriptor,
	[PB_EXT_FILE] = &ext_file_entry__descriptor,
	[PB_NS_FILE] = &ns_file_entry__descriptor,
	[PB_PIPE] = &pipe_entry__descriptor,
	[PB_PIPE_DATA] = &pipe_data_entry__descriptor,
	[PB_FIFO] = &fifo_entry__descriptor,
	[PB_UNIX_SK] = &unix_sk_entry__descriptor,
	[PB_SK_QUEUES] = &sk_packet_entry__descriptor,
	[PB_EVENTFD_FILE] = &eventfd_file_entry__descriptor,
	[PB_EVENTPOLL_FILE] = &eventpoll_file_entry__descriptor,
	[PB_EVENTPOLL_TFD] = &eventpoll_tfd_entry__descriptor,
	[PB_SIGNALFD] = &signalfd_entry__descriptor,
	[PB_TIMERFD] = &timerfd_entry__descriptor,
	[PB_INOTIFY_FILE] = &inotify_file_entry__descriptor,
	[PB_INOTIFY_WD] = &inotify_wd_entry__descriptor,
	[PB_FANOTIFY_FILE] = &fanotify_file_entry__descriptor,
	[PB_FANOTIFY_MARK] = &fanotify_mark_entry__descriptor,
	[PB_SIGACT] = &sa_entry__descriptor,
	[PB_ITIMER] = &itimer_entry__descriptor,
	[PB_POSIX_TIMER] = &posix_timer_entry__descriptor,
	[PB_CREDS] = &creds_entry__descriptor,
	[PB_RLIMIT] = &rlimit_entry__descriptor,
	[PB_SIGINFO] = &siginfo_entry__descriptor,
	[PB_TTY_FILE] = &tty_file_entry__descriptor,
	[PB_TTY_INFO] = &tty_info_entry__descriptor,
	[PB_TTY_DATA] = &tty_data_entry__descriptor,
	[PB_FILE_LOCK] = &file_lock_entry__descriptor,
	[PB_REMAP_FPATH] = &remap_file_path_entry__descriptor,
	[PB_GHOST_FILE] = &ghost_file_entry__descriptor,
	[PB_GHOST_CHUNK] = &ghost_chunk_entry__descriptor,
	[PB_STATS] = &stats_entry__descriptor,
	[PB_IRMAP_CACHE] = &irmap_cache_entry__descriptor,
	[PB_MEMFD_INODE] = &memfd_inode_entry__descriptor,
};

const ProtobufCMessageDescriptor *pb_desc(int pb_type)
{
	if (pb_type < 0 || pb_type >= PB_MAX)
		return NULL;
	return pb_descs[pb_type];
}

int cr_fd_kind_by_magic(uint32_t head_magic, uint32_t magic)
{
	int i;

	if (head_magic == INVENTORY_MAGIC)
		return CR_FD_INVENTORY;
	if (head_magic != IMG_COMMON_MAGIC && head_magic != IMG_SERVICE_MAGIC)
		return -1;

	/* Kinds sharing a magic share their messages, so the first one will do. */
	for (i = 0; i < CR_FD_MAX; i++) {
		const struct cr_fd_desc *d = &cr_fd_desc[i];
		uint32_t want = d->oflags & IMG_DESC_SERVICE ? IMG_SERVICE_MAGIC : IMG_COMMON_MAGIC;

		if (i == CR_FD_INVENTORY || d->oflags & IMG_DESC_RAW)
			continue;
		if (d->magic == magic && want == head_magic)
			return i;
	}
	return -1;
}
