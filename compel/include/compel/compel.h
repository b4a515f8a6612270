/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPEL_COMPEL_H
#define COMPEL_COMPEL_H

/*
 * compel: act from inside another process.
 *
 *   task = compel_freeze(pid, 0);            all threads seized and stopped
 *   compel_syscall(task, __NR_getpid, &ret, 0, 0, 0, 0, 0, 0);
 *   p = compel_infect(task, &my_blob, sizeof(struct my_args));
 *   ... fill compel_parasite_args(p) ...
 *   compel_rpc_call_sync(p, MY_CMD, &ret);   parasite runs MY_CMD
 *   compel_cure(p);                           parasite gone, state restored
 *   compel_unfreeze(task);                    task runs on, none the wiser
 */
#include "compel/log.h"
#include "compel/task.h"
#include "compel/syscall.h"
#include "compel/blob.h"
#include "compel/rpc.h"
#include "compel/infect.h"
#include "compel/state.h"

#endif
