/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_IMAGE_DESC_H
#define CRIU_IMAGE_DESC_H

#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

/*
 * Kinds of image files.  Each has a file name format, a magic and the
 * message type(s) it holds; the table in image-desc.c is the only place
 * that knows them.
 */
enum {
	CR_FD_INVENTORY,
	CR_FD_PSTREE,
	CR_FD_CORE,
	CR_FD_IDS,
	CR_FD_MM,
	CR_FD_VMAS,
	CR_FD_PAGEMAP,
	CR_FD_SHMEM_PAGEMAP,
	CR_FD_PAGES,
	CR_FD_FDINFO,
	CR_FD_FILES,
	CR_FD_FS,
	CR_FD_REG_FILES,
	CR_FD_EXT_FILES,
	CR_FD_NS_FILES,
	CR_FD_PIPES,
	CR_FD_PIPES_DATA,
	CR_FD_FIFO,
	CR_FD_FIFO_DATA,
	CR_FD_UNIXSK,
	CR_FD_SK_QUEUES,
	CR_FD_EVENTFD_FILE,
	CR_FD_EVENTPOLL_FILE,
	CR_FD_EVENTPOLL_TFD,
	CR_FD_SIGNALFD,
	CR_FD_TIMERFD,
	CR_FD_INOTIFY_FILE,
	CR_FD_INOTIFY_WD,
	CR_FD_FANOTIFY_FILE,
	CR_FD_FANOTIFY_MARK,
	CR_FD_SIGACT,
	CR_FD_ITIMERS,
	CR_FD_POSIX_TIMERS,
	CR_FD_CREDS,
	CR_FD_RLIMIT,
	CR_FD_SIGNAL,
	CR_FD_PSIGNAL,
	CR_FD_TTY_FILES,
	CR_FD_TTY_INFO,
	CR_FD_TTY_DATA,
	CR_FD_FILE_LOCKS,
	CR_FD_REMAP_FPATH,
	CR_FD_GHOST_FILE,
	CR_FD_STATS,
	CR_FD_IRMAP_CACHE,
	CR_FD_MEMFD_INODE,

	CR_FD_MAX
};

/* Message types; one image kind may hold several (pagemap: head, entries). */
enum {
	PB_INVENTORY,
	PB_PSTREE,
	PB_CORE,
	PB_IDS,
	PB_MM,
	PB_VMA,
	PB_PAGEMAP_HEAD,
	PB_PAGEMAP,
	PB_FDINFO,
	PB_FILE,
	PB_FS,
	PB_REG_FILE,
	PB_EXT_FILE,
	PB_NS_FILE,
	PB_PIPE,
	PB_PIPE_DATA,
	PB_FIFO,
	PB_UNIX_SK,
	PB_SK_QUEUES,
	PB_EVENTFD_FILE,
	PB_EVENTPOLL_FILE,
	PB_EVENTPOLL_TFD,
	PB_SIGNALFD,
	PB_TIMERFD,
	PB_INOTIFY_FILE,
	PB_INOTIFY_WD,
	PB_FANOTIFY_FILE,
	PB_FANOTIFY_MARK,
	PB_SIGACT,
	PB_ITIMER,
	PB_POSIX_TIMER,
	PB_CREDS,
	PB_RLIMIT,
	PB_SIGINFO,
	PB_TTY_FILE,
	PB_TTY_INFO,
	PB_TTY_DATA,
	PB_FILE_LOCK,
	PB_REMAP_FPATH,
	PB_GHOST_FILE,
	PB_GHOST_CHUNK,
	PB_STATS,
	PB_IRMAP_CACHE,
	PB_MEMFD_INODE,

	PB_MAX
};

/* cr_fd_desc.oflags */
#define IMG_DESC_SERVICE 0x1 /* head magic is IMG_SERVICE_MAGIC */
#define IMG_DESC_RAW 0x2 /* no magic, no messages: raw bytes */

/* What, if anything, follows each message of a kind in the file. */
enum img_payload {
	IMG_PAYLOAD_NONE,
	/* pipe_data_entry.bytes raw bytes after each entry */
	IMG_PAYLOAD_PIPE_DATA,
	/* sk_packet_entry.length raw bytes after each entry */
	IMG_PAYLOAD_SK_QUEUE,
	/*
	 * ghost_file_entry, then either raw contents up to EOF, or
	 * ghost_chunk_entry messages each followed by .len bytes
	 */
	IMG_PAYLOAD_GHOST,
};

struct cr_fd_desc {
	const char *name; /* short name for messages: "core", "pagemap" */
	const char *fmt; /* file name; one %u (%x, %s) argument at most */
	uint32_t magic;
	unsigned int oflags;
	int pb_type; /* type of the repeated entries, -1 if raw */
	int head_pb_type; /* type of a single leading message, or -1 */
	enum img_payload payload;
};

extern const struct cr_fd_desc cr_fd_desc[CR_FD_MAX];

/* The protobuf-c descriptor of a message type, NULL when out of range. */
const ProtobufCMessageDescriptor *pb_desc(int pb_type);

/* The kind whose magic matches, -1 if none; see img_identify() too. */
int cr_fd_kind_by_magic(uint32_t head_magic, uint32_t magic);

#endif
