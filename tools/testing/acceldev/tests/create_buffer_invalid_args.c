// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_BUFFER argument validation (examples 19 and beyond): size 0,
 * negative sizes, 4 MiB + 1 and 4 MiB + 3 (example 19), INT_MAX, and
 * buffer types 2, -1 and 100 all fail with EINVAL, for both types where
 * the type is valid. None of them takes a slot: 16 data buffers still
 * fit afterwards. The limits themselves (1 and 4 MiB) are accepted.
 */
// vmtest: tiers=debian,debug
#include <limits.h>

#include "acceldev_test.h"

int main(void)
{
	static const int bad_sizes[] = {
		0, -1, -4096, INT_MIN, ACCELDEV_BUFFER_MAX_SIZE + 1,
		ACCELDEV_BUFFER_MAX_SIZE + 3, ACCELDEV_BUFFER_MAX_SIZE + 4096,
		INT_MAX,
	};
	static const int bad_types[] = { 2, -1, 100, BUFFER_TYPES_COUNT };
	int ctx = acc_open(0);
	uint32_t s;

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		for (int type = 0; type <= 1; type++) {
			errno = 0;
			int fd = acc_try_create_buffer(ctx, bad_sizes[i], type,
						       &s);
			CHECK_MSG(fd == -1 && errno == EINVAL,
				  "size %d type %d: returned %d, errno %s",
				  bad_sizes[i], type, fd, acc_errname(errno));
		}
	}
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		errno = 0;
		int fd = acc_try_create_buffer(ctx, 4096, bad_types[i], &s);

		CHECK_MSG(fd == -1 && errno == EINVAL,
			  "type %d: returned %d, errno %s",
			  bad_types[i], fd, acc_errname(errno));
	}

	/* The limits are fine, and no slot was used up by the failures. */
	close(acc_create_buffer(ctx, 1, BUFFER_TYPE_CODE, NULL));
	close(acc_create_buffer(ctx, ACCELDEV_BUFFER_MAX_SIZE,
				BUFFER_TYPE_CODE, NULL));
	for (int i = 0; i < ACCELDEV_NUM_BUFFERS; i++)
		acc_create_buffer(ctx, i == 0 ? ACCELDEV_BUFFER_MAX_SIZE : 1,
				  BUFFER_TYPE_DATA, NULL);
	return 0;
}
