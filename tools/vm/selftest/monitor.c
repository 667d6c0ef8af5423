// Bench self-test of the monitor-request channel: ask the host to
// device_add a third Acceldev function, see it appear on the PCI bus
// (ACPI hot-plug), then device_del it and see it go.
// vmtest-expect: PASS
// vmtest: timeout=60
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int count_acceldev(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[512], buf[32] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, "0x0666", 6))
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

static int wait_count(int want)
{
	for (int i = 0; i < 100; i++) {
		if (count_acceldev() == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

int main(void)
{
	int n0 = count_acceldev();

	if (getenv("VMTEST_NO_DEVICE_MODEL"))
		return 77;
	printf("selftest: %d acceldev function(s) at start\n", n0);
	if (system("vmtest-monitor device_add acceldev,id=acc9") != 0) {
		fprintf(stderr, "device_add request failed\n");
		return 1;
	}
	if (wait_count(n0 + 1)) {
		fprintf(stderr, "hot-added device did not appear\n");
		return 1;
	}
	if (system("vmtest-monitor device_del acc9") != 0) {
		fprintf(stderr, "device_del request failed\n");
		return 1;
	}
	if (wait_count(n0)) {
		fprintf(stderr, "device did not go away after device_del\n");
		return 1;
	}
	/* an invalid command must come back as a failure */
	if (system("vmtest-monitor device_del no-such-device") == 0) {
		fprintf(stderr, "bad monitor command reported success\n");
		return 1;
	}
	printf("selftest: monitor requests ok\n");
	return 0;
}
