// Bench self-test: a test that hangs must be reported as a timeout.
// vmtest-expect: FAIL timeout
// vmtest: timeout=4
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
