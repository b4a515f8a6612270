/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRIU_TTY_H
#define CRIU_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "files.h"

#include "images/tty.pb-c.h"

/*
 * Terminals (tty.c dump, tty-rst.c restore, tty-data.c queued bytes and
 * line settings), with CRIU's images: each open file is a TtyFileEntry in
 * files.img naming a TtyInfoEntry of tty-info.img, one per terminal end,
 * whose id is (index << 1) | is_master; bytes waiting to be read at an
 * end are a TtyDataEntry of tty-data.img with that end's id.
 *
 * Unix98 pty pairs inside the tree are recreated through /dev/ptmx with
 * their index.  Any other terminal (the one the tree was started from) is
 * external: with --shell-job the restored tree gets criu's own terminal
 * instead, without it dump and restore fail naming it.
 */

/* The kernel's struct termios (TCGETS/TCSETS), not glibc's. */
#define TTY_NCC 19
struct tty_ktermios {
	unsigned int c_iflag;
	unsigned int c_oflag;
	unsigned int c_cflag;
	unsigned int c_lflag;
	unsigned char c_line;
	unsigned char c_cc[TTY_NCC];
};

#define TTY_INFO_ID(index, master) (((uint32_t)(index) << 1) | ((master) ? 1 : 0))
#define TTY_INFO_INDEX(id) ((id) >> 1)
#define TTY_INFO_MASTER(id) ((id) & 1)

/* Kernel termios <-> image. */
int tty_termios_to_img(const struct tty_ktermios *t, TermiosEntry *e, uint32_t *cc);
void tty_termios_from_img(const TermiosEntry *e, struct tty_ktermios *t);

/*
 * Dump: saves the bytes queued on both ends of the pty whose master is
 * @master into tty-data.img and queues them again (the tree may go on
 * running).  Fails clearly when they can't be saved exactly.
 */
int tty_data_dump(struct files_dump_ctx *ctx, int master, uint32_t index, bool packet_mode);

/*
 * Restore: gives a new pty (@master, @slave) the line settings of @tie and
 * the bytes queued at its ends (@data: all entries of tty-data.img).
 */
int tty_data_restore(int master, int slave, const TtyInfoEntry *tie, TtyDataEntry **data,
		     size_t nr_data);

/* The restore side of tty_ops (tty-rst.c). */
int tty_rst_collect(struct files_rst_ctx *ctx, struct file_desc *d);
int tty_rst_open(struct files_rst_ctx *ctx, struct file_desc *d);
void tty_rst_done(struct files_rst_ctx *ctx);
void tty_rst_free(struct files_rst_ctx *ctx);

/*
 * In session leader @pid right after setsid(), before it forks: makes the
 * pty that was the session's controlling terminal and takes it (children
 * forked later inherit it).  The leader must be the task that makes that
 * pty (holds a file of it with the lowest pid), else this fails clearly.
 */
int tty_prepare_ctty(struct files_rst_ctx *ctx, pid_t pid);

/*
 * In session leader @pid, after setsid(), once every group of the tree
 * exists and its fds are installed: the pty slave that was the session's
 * controlling terminal becomes it again (TIOCSCTTY), with its foreground
 * group.  0 if the session had none in the tree.
 */
int tty_restore_ctty(struct files_rst_ctx *ctx, pid_t pid);

#endif
