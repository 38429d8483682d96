// SPDX-License-Identifier: GPL-2.0-only
/* Print /proc/mitosis_status and this process's copy size. */
#include <stdio.h>
#include <string.h>
#include <wasp.h>

static void cat(const char *path, const char *prefix)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (!prefix || !strncmp(line, prefix, strlen(prefix)))
			fputs(line, stdout);
	fclose(f);
}

int main(void)
{
	if (wasp_replicate(0, WASP_ALL_NODES)) {
		perror("wasp_replicate");
		return 1;
	}
	cat("/proc/mitosis_status", NULL);
	cat("/proc/self/status", "VmPTRepl");
	return wasp_unreplicate(0) ? 1 : 0;
}
