/* SPDX-License-Identifier: GPL-2.0 */
/* ep.h - shared declarations of libacceldev_ep.so */
#ifndef ACCELDEV_EP_H
#define ACCELDEV_EP_H

#include <stdbool.h>
#include <stdint.h>

#include <onnxruntime_c_api.h>

#include "acceldev_ep_stats.h"

#define ACCELDEV_EP_NAME "Acceldev"	/* so ORT keeps its options as ep.acceldev.* */
#define ACCELDEV_EP_VERSION "1.0.0"
#define ACCELDEV_VENDOR_ID 0x0666
#define ACCELDEV_DEVICE_ID 0x0019

#define EXPORT __attribute__((visibility("default")))

struct fill_stats;

extern const OrtApi *ort;

/* drop a status whose failure does not matter (names for messages) */
static inline void ort_ignore(OrtStatus *st)
{
	if (st)
		ort->ReleaseStatus(st);
}

void ep_log(const OrtLogger *logger, OrtLoggingLevel level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* stats.c: per node identity (name, or type and id), for acceldev_ep_node_stats*() */
void ep_stats_add(const char *node, const char *type, uint64_t ns,
		  const struct fill_stats *stats);

#endif
