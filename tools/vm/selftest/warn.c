// Bench self-test: a kernel WARNING during a test (here from loading a
// module whose init calls WARN_ON(1)) must fail that test even though the
// program itself exits 0.
// vmtest-expect: FAIL kernel: WARNING
// vmtest: timeout=30
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	int rc = system("insmod /selftest/selftest_warn.ko");

	printf("selftest: insmod selftest_warn.ko -> %d\n", rc);
	return rc == 0 ? 0 : 2;
}
