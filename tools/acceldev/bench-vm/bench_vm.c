// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of tools/acceldev/bench-compare: runs the installed
 * acceldev-bench with its default settings and prints its JSON between
 * two marker lines on the console, where bench-compare finds it in the
 * VM's console log. Not a test: it judges nothing (exit 0 unless the
 * bench failed). Kernel messages stay off the console meanwhile (they
 * would cut into the JSON); they are still in the kernel log.
 */
// vmtest: timeout=900
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	FILE *p = fopen("/proc/sys/kernel/printk", "w");
	int rc;

	if (p) {
		fputs("1\n", p);	/* console: emergencies only */
		fclose(p);
	}
	printf("@@BENCH-JSON-BEGIN\n");
	fflush(stdout);
	rc = system("acceldev-bench --json");
	fflush(stdout);
	printf("@@BENCH-JSON-END rc=%d\n", rc);
	fflush(stdout);
	p = fopen("/proc/sys/kernel/printk", "w");
	if (p) {
		fputs("8\n", p);	/* what the bench's init set */
		fclose(p);
	}
	return rc ? 1 : 0;
}
