// SPDX-License-Identifier: GPL-2.0
/*
 * The same 1200-run backlog as queue_backlog_1200_runs, on a device that
 * reports one more free queue entry than it has (free-off-by-one=on, as
 * an older device of the family did). A driver that fills the queue to
 * what FREE says would overflow it (FEED_ERROR, a lost command); one that
 * keeps an entry in reserve completes every run without error.
 */
// vmtest: timeout=300 tiers=debian,debug
#define QUEUE_BACKLOG_KNOBS "queue-size=4,cmd-delay-us=50,free-off-by-one=on"
#define QUEUE_BACKLOG_FREE 5
#include "queue_backlog_1200_runs.c"
