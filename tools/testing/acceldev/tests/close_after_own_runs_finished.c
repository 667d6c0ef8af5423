// SPDX-License-Identifier: GPL-2.0
/*
 * A context whose runs have finished closes at once, whatever other
 * contexts queued behind them. On a slow device (every command starts
 * 100 ms late), as three programs would: A runs a FENCE and WAITs for it;
 * then C queues 1 s of runs and B 2 s; then A closes its code buffer and
 * itself. A's runs are done, so neither close may wait for C's or B's
 * (DRIVER.md: "it waits for its own context's runs only"). C's and B's
 * closes still wait for their own runs.
 *
 * The driver learns that a run finished from a device FENCE behind it:
 * this needs one right after A's run, before C's (fed at the context
 * boundary), and an interrupt for that FENCE although newer ones were
 * fed behind it (CMD_FENCE_WAIT moved back to it for the close's sync).
 */
// vmtest: timeout=90 tiers=debian
#include "acceldev_knobs.h"

ACC_DEVICE_KNOBS("cmd-delay-us=100000")

#define C_RUNS		10	/* 1 s of work */
#define B_RUNS		20	/* 2 s */
#define AT_ONCE_S	0.5

/* A context with a code buffer holding one NOP and one FENCE. */
static int context_with_code(int *code, uint32_t **cmds)
{
	int ctx = acc_open(0);

	*code = acc_create_buffer(ctx, 4096, BUFFER_TYPE_CODE, NULL);
	*cmds = acc_map(*code, 4096);
	acc_put_fence(*cmds, acc_put_nop(*cmds, 0));
	return ctx;
}

int main(void)
{
	uint32_t *acmds, *bcmds, *ccmds;
	int a, acode, b, bcode, c, ccode;
	double dt;

	acc_watchdog(60, "closes after the context's own runs finished");
	a = context_with_code(&acode, &acmds);
	b = context_with_code(&bcode, &bcmds);
	c = context_with_code(&ccode, &ccmds);

	/* A: one run with a FENCE, and the WAIT that sees it finish. */
	acc_run(a, acode, ACC_CMD_BYTES, ACC_CMD_BYTES);
	acc_wait(a, 1);

	for (int i = 0; i < C_RUNS; i++)
		acc_run(c, ccode, 0, ACC_CMD_BYTES);
	for (int i = 0; i < B_RUNS; i++)
		acc_run(b, bcode, 0, ACC_CMD_BYTES);

	munmap(acmds, 4096);
	{
		const struct { int fd; const char *what; } quick[] = {
			{ acode, "a code buffer of a context" }, { a, "a context" },
		};

		for (size_t i = 0; i < sizeof(quick) / sizeof(quick[0]); i++) {
			dt = acc_timed_close(quick[i].fd);
			CHECK_MSG(dt < AT_ONCE_S, "closing %s whose runs had "
				  "finished took %.2f s: it waited for other "
				  "contexts' runs", quick[i].what, dt);
		}
	}

	/* C and B still wait for their own runs. */
	{
		const struct { int fd; const char *who; double min_s; } own[] = {
			{ c, "C", 0.3 }, { b, "B", 0.5 },
		};

		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			dt = acc_timed_close(own[i].fd);
			printf("%s's close waited %.2f s for its runs\n",
			       own[i].who, dt);
			CHECK_MSG(dt > own[i].min_s, "%s's close returned after "
				  "%.2f s, before its runs could have finished",
				  own[i].who, dt);
		}
	}
	munmap(ccmds, 4096);
	munmap(bcmds, 4096);
	CHECK(close(ccode) == 0);
	CHECK(close(bcode) == 0);
	acc_watchdog(0, "");
	acc_check_device_works(0);
	return 0;
}
