// Bench self-test: exit status 77 must be reported as SKIP.
// vmtest-expect: SKIP
// vmtest: timeout=20
int main(void)
{
	return 77;
}
