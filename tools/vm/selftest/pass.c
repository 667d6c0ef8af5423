// Bench self-test: a passing test must be reported as PASS.
// vmtest-expect: PASS
// vmtest: timeout=20
int main(void)
{
	return 0;
}
