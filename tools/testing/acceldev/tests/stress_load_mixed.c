// SPDX-License-Identifier: GPL-2.0
/*
 * Load: N processes x M threads on both devices (acceldev_stress.h's load
 * engine, strict mode). Each thread has a context of its own (replaced now
 * and then) and uses its process's shared context on each device; it
 * creates, maps and closes data buffers of random sizes (1 B..64 KiB),
 * submits FILL + FENCE runs of random offsets and lengths into random
 * slots, and WAITs. A fraction of the contexts get one deliberately bad
 * run (slot 19, an unbound slot, past the buffer's end, an unknown
 * command). Checked:
 *  - every run whose WAIT returned 0 wrote exactly its words (verified
 *    word by word against a shadow copy), and every buffer is verified
 *    whole before it is closed (nothing else wrote it);
 *  - WAIT fails (EIO) exactly for the fences at or after a context's bad
 *    run, and the runs skipped after it wrote nothing; RUN is EIO after;
 *  - no error anywhere else: errors seen == errors injected.
 * ACCELDEV_LONG=1: 4 processes x 6 threads for 90 s (default 3 x 4, 8 s).
 * ACCELDEV_LOAD_SEED replays a seed.
 */
// vmtest: timeout=120
#include "acceldev_stress.h"

int main(void)
{
	struct acc_load L = {
		.mode = ACC_LOAD_STRICT,
		.procs = ACC_SETTING(3, 4),
		.threads = ACC_SETTING(4, 6),
		.ndevs = 2,
		.seconds = ACC_SETTING(8, 90),
		.error_pct = 15,
		.seed = acc_seed("ACCELDEV_LOAD_SEED"),
	};
	double t0 = acc_now();

	acc_require_devices(2);
	printf("stress_load_mixed: seed=%#llx (ACCELDEV_LOAD_SEED replays)\n",
	       (unsigned long long)L.seed);
	acc_watchdog((unsigned int)L.seconds * 3 + 60, "the load's processes");
	acc_load_start(&L);
	acc_load_finish(&L);
	acc_watchdog(0, "");
	acc_load_print("stress_load_mixed", &L);
	printf("stress_load_mixed: wall_s=%.1f\n", acc_now() - t0);

	CHECK_MSG(L.st->errors_seen == L.st->errors_injected,
		  "%llu errors injected but %llu seen",
		  (unsigned long long)L.st->errors_injected,
		  (unsigned long long)L.st->errors_seen);
	CHECK_MSG(L.st->errors_injected > 0, "no error was injected");
	CHECK_MSG(L.st->runs_done > 100, "only %llu runs completed",
		  (unsigned long long)L.st->runs_done);
	acc_check_device_works(0);
	acc_check_device_works(1);
	return 0;
}
