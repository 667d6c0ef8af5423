/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_test.h - for the tests of the acceldev-* tools: run a tool (from
 * the guest's /usr/bin) with fork + exec and capture its standard output.
 */
#ifndef TOOL_TEST_H
#define TOOL_TEST_H

#include <sys/wait.h>

#include "acceldev_test.h"

#define TOOL_OUT_MAX (64 * 1024)

/*
 * Run argv (argv[0] looked up in PATH), standard output into @out (NUL
 * terminated), standard error to ours. Returns the exit status, or 128 +
 * the signal that killed it.
 */
static inline int tool_run(char *const argv[], char *out, size_t len)
{
	size_t used = 0;
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	CHECK(pipe(pipefd) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char spill[4096];	/* output past @len is read and dropped */

		if (used + 1 < len)
			n = read(pipefd[0], out + used, len - 1 - used);
		else
			n = read(pipefd[0], spill, sizeof(spill));
		if (n <= 0)
			break;
		if (used + 1 < len)
			used += (size_t)n;
	}
	out[used] = '\0';
	close(pipefd[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("$");
	for (int i = 0; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("\n%s", out);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Value of "key": N in the JSON object of device @name printed by
 * acceldev-info --json: N, or -1 for null, or -2 when not found.
 */
static inline long long tool_json_counter(const char *json, const char *name,
					  const char *key)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "\"name\": \"%s\"", name);
	p = strstr(json, pat);
	if (!p)
		return -2;
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(p, pat);
	if (!p)
		return -2;
	p += strlen(pat);
	if (strncmp(p, "null", 4) == 0)
		return -1;
	return strtoll(p, NULL, 10);
}

/* The output must contain @text. */
#define EXPECT_OUTPUT(out, text)					\
	CHECK_MSG(strstr((out), (text)) != NULL,			\
		  "output lacks \"%s\"", (text))

#endif /* TOOL_TEST_H */
