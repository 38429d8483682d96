/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the in-guest tests: how many NUMA nodes the guest sees. */
#ifndef WASP_TESTS_NUMA_NODES_H
#define WASP_TESTS_NUMA_NODES_H

#include <dirent.h>
#include <stdio.h>

/* Nodes listed in sysfs, or -1 when sysfs has no node directory. */
static inline int count_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *e;
	int nodes = 0, id;
	char c;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "node%d%c", &id, &c) == 1)
			nodes++;
	closedir(d);
	return nodes;
}

#endif
