// Bench self-test: a failing test program must be reported as FAIL.
// vmtest-expect: FAIL exit 1
// vmtest: timeout=20
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "selftest: failing on purpose\n");
	return 1;
}
