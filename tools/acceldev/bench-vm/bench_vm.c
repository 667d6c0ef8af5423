// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of tools/acceldev/bench-compare: runs the installed
 * acceldev-bench with its default settings and prints its JSON between
 * two marker lines on the console, where bench-compare finds it in the
 * VM's console log. Not a test: it judges nothing (exit 0 unless the
 * bench failed).
 */
// vmtest: timeout=900
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	int rc;

	printf("@@BENCH-JSON-BEGIN\n");
	fflush(stdout);
	rc = system("acceldev-bench --json");
	fflush(stdout);
	printf("@@BENCH-JSON-END rc=%d\n", rc);
	return rc ? 1 : 0;
}
