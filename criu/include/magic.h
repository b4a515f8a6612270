/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_MAGIC_H
#define CRIU_MAGIC_H

/*
 * Magic numbers at the head of image files.  They are interoperability facts
 * shared with CRIU 4.x: changing one makes our images unreadable there and
 * theirs unreadable here.
 *
 * Every image but inventory.img and the raw ones starts with a 32-bit head
 * magic (common or service), then the 32-bit magic of its kind.
 * inventory.img carries its kind magic alone; raw images carry none.
 */
#define IMG_COMMON_MAGIC	0x54564319
#define IMG_SERVICE_MAGIC	0x55105940

/* Raw images have no magic at all. */
#define RAW_IMAGE_MAGIC		0x0

#define INVENTORY_MAGIC		0x58313116
#define PSTREE_MAGIC		0x50273030
#define FDINFO_MAGIC		0x56213732
#define PAGEMAP_MAGIC		0x56084025
#define SHMEM_PAGEMAP_MAGIC	PAGEMAP_MAGIC
#define PAGES_MAGIC		RAW_IMAGE_MAGIC
#define CORE_MAGIC		0x55053847
#define IDS_MAGIC		0x54432030
#define VMAS_MAGIC		0x54123737
#define PIPES_MAGIC		0x56513555
#define PIPES_DATA_MAGIC	0x56453709
#define FIFO_MAGIC		0x58364939
#define FIFO_DATA_MAGIC		0x59333054
#define SIGACT_MAGIC		0x55344201
#define UNIXSK_MAGIC		0x54373943
#define SK_QUEUES_MAGIC		0x56264026
#define ITIMERS_MAGIC		0x57464056
#define POSIX_TIMERS_MAGIC	0x52603957
#define CREDS_MAGIC		0x54023547
#define REG_FILES_MAGIC		0x50363636
#define EXT_FILES_MAGIC		0x59255641
#define FS_MAGIC		0x51403912
#define MM_MAGIC		0x57492820
#define REMAP_FPATH_MAGIC	0x59133954
#define GHOST_FILE_MAGIC	0x52583605
#define EVENTFD_FILE_MAGIC	0x44523722
#define EVENTPOLL_FILE_MAGIC	0x45023858
#define EVENTPOLL_TFD_MAGIC	0x44433746
#define SIGNALFD_MAGIC		0x57323820
#define INOTIFY_FILE_MAGIC	0x48424431
#define INOTIFY_WD_MAGIC	0x54562009
#define TTY_FILES_MAGIC		0x59433025
#define TTY_INFO_MAGIC		0x59453036
#define TTY_DATA_MAGIC		0x59413026
#define FILE_LOCKS_MAGIC	0x54323616
#define RLIMIT_MAGIC		0x57113925
#define FANOTIFY_FILE_MAGIC	0x55096122
#define FANOTIFY_MARK_MAGIC	0x56506035
#define SIGNAL_MAGIC		0x59255647
#define PSIGNAL_MAGIC		SIGNAL_MAGIC
#define NS_FILES_MAGIC		0x61394011
#define TIMERFD_MAGIC		0x50493712
#define MEMFD_INODE_MAGIC	0x48453499
#define FILES_MAGIC		0x56303138

/* Service images (opened with the service head magic). */
#define STATS_MAGIC		0x57093306
#define IRMAP_CACHE_MAGIC	0x57004059

#endif
