// SPDX-License-Identifier: GPL-2.0
/* stats.c - per-node counters of libacceldev_ep.so (acceldev_ep_stats.h) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep.h"
#include "fillplan.h"

struct node_stats {
	struct node_stats *next;
	struct acceldev_ep_node_stats s;
	char type[32];
	char name[];
};

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static struct node_stats *stats_head, **stats_tail = &stats_head;	/* first use first */

static struct node_stats *find(const char *node)
{
	struct node_stats *n;

	for (n = stats_head; n; n = n->next)
		if (!strcmp(n->name, node))
			return n;
	return NULL;
}

void ep_stats_add(const char *node, const char *type, uint64_t ns,
		  const struct fill_stats *fs)
{
	struct node_stats *n;

	pthread_mutex_lock(&stats_lock);
	n = find(node);
	if (!n) {
		n = calloc(1, sizeof(*n) + strlen(node) + 1);
		if (!n)
			goto out;
		strcpy(n->name, node);
		snprintf(n->type, sizeof(n->type), "%s", type);
		*stats_tail = n;
		stats_tail = &n->next;
	}
	n->s.calls++;
	n->s.ns += ns;
	n->s.fills += fs->fills;
	n->s.fences += fs->fences;
	n->s.chunks += fs->chunks;
	n->s.cpu_bytes += fs->cpu_bytes;
	n->s.cpu_runs += fs->fills == 0 && fs->cpu_bytes > 0;
	n->s.reopens += fs->reopens;
	n->s.direct_runs += fs->direct;
	n->s.copy_bytes += fs->copy_bytes;
out:
	pthread_mutex_unlock(&stats_lock);
}

EXPORT int acceldev_ep_node_stats(const char *node, struct acceldev_ep_node_stats *out);
EXPORT int acceldev_ep_node_stats_at(size_t i, const char **node, const char **type,
				     struct acceldev_ep_node_stats *out);

int acceldev_ep_node_stats(const char *node, struct acceldev_ep_node_stats *out)
{
	struct node_stats *n;
	int ret = -1;

	pthread_mutex_lock(&stats_lock);
	n = find(node);
	if (n) {
		*out = n->s;
		ret = 0;
	}
	pthread_mutex_unlock(&stats_lock);
	return ret;
}

int acceldev_ep_node_stats_at(size_t i, const char **node, const char **type,
			      struct acceldev_ep_node_stats *out)
{
	struct node_stats *n;

	pthread_mutex_lock(&stats_lock);
	for (n = stats_head; n && i; n = n->next)
		i--;
	if (n) {
		*out = n->s;
		*node = n->name;	/* entries are never freed */
		*type = n->type;
	}
	pthread_mutex_unlock(&stats_lock);
	return n ? 0 : -1;
}
