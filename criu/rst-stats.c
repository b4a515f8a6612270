// SPDX-License-Identifier: GPL-2.0
/* stats-restore.img (CRIU's shape) and --display-stats for restore. */

#include "image.h"
#include "log.h"
#include "restore.h"
#include "stats.pb-c.h"

static uint32_t usec_between(const struct timespec *a, const struct timespec *b)
{
	return (uint32_t)((b->tv_sec - a->tv_sec) * 1000000 + (b->tv_nsec - a->tv_nsec) / 1000);
}

int write_restore_stats(int dfd, const struct restore_times *t, uint64_t pages_restored,
			bool display)
{
	StatsEntry se = STATS_ENTRY__INIT;
	RestoreStatsEntry rs = RESTORE_STATS_ENTRY__INIT;
	struct cr_img *img;
	int ret;

	rs.forking_time = usec_between(&t->start, &t->forked);
	rs.restore_time = usec_between(&t->start, &t->end);
	rs.has_pages_restored = true;
	rs.pages_restored = pages_restored;
	se.restore = &rs;
	img = open_image_at(dfd, CR_FD_STATS, O_DUMP, "restore");
	if (!img)
		return -1;
	ret = pb_write_one(img, &se, PB_STATS);
	if (close_image(img))
		ret = -1;
	if (!ret && display) {
		pr_msg("Displaying restore stats:\n");
		pr_msg("Forking time: %u us\n", rs.forking_time);
		pr_msg("Restore time: %u us\n", rs.restore_time);
		pr_msg("Pages restored: %llu\n", (unsigned long long)rs.pages_restored);
	}
	return ret;
}
