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
};

/*
 * acceldev_ep_node_stats() - totals of the node named @node (its ONNX
 * name) over every session of the process.
 * Return: 0, or -1 if the EP never ran that node.
 */
typedef int (*acceldev_ep_node_stats_fn)(const char *node,
					 struct acceldev_ep_node_stats *out);
#define ACCELDEV_EP_NODE_STATS_SYMBOL "acceldev_ep_node_stats"

#endif
