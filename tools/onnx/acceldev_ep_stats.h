/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acceldev_ep_stats.h - what libacceldev_ep.so counted per node, for a
 * program that loaded it (acceldev-onnx --bench, the tests): look the
 * function up with dlsym() on the same library.
 */
#ifndef ACCELDEV_EP_STATS_H
#define ACCELDEV_EP_STATS_H

#include <stddef.h>
#include <stdint.h>

struct acceldev_ep_node_stats {
	uint64_t calls;		/* Compute calls that succeeded */
	uint64_t ns;		/* their total time */
	uint64_t fills, fences, chunks, cpu_bytes;
	uint64_t cpu_runs;	/* calls done by the CPU alone (below min_bytes) */
	uint64_t reopens;	/* device contexts reopened before a call */
	uint64_t direct_runs;	/* calls whose FILLs wrote the output itself (device memory) */
	uint64_t copy_bytes;	/* bytes copied out of staging buffers */
};

/*
 * acceldev_ep_node_stats() - totals of the node @node over every session
 * of the process. A node is known by its ONNX name, or, unnamed, as
 * "<unnamed TYPE node ID>" (ID: its index in the graph).
 * Return: 0, or -1 if the EP never ran that node.
 */
typedef int (*acceldev_ep_node_stats_fn)(const char *node,
					 struct acceldev_ep_node_stats *out);
#define ACCELDEV_EP_NODE_STATS_SYMBOL "acceldev_ep_node_stats"

/*
 * acceldev_ep_node_stats_at() - the i-th node the EP ran (in the order
 * of their first runs): its identity and operator type (strings that
 * live as long as the library) and totals.
 * Return: 0, or -1 past the last one.
 */
typedef int (*acceldev_ep_node_stats_at_fn)(size_t i, const char **node, const char **type,
					    struct acceldev_ep_node_stats *out);
#define ACCELDEV_EP_NODE_STATS_AT_SYMBOL "acceldev_ep_node_stats_at"

#endif
