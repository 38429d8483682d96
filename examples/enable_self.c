// SPDX-License-Identifier: GPL-2.0-only
/* Replicate this process's page tables on every node, use memory, stop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasp.h>

int main(void)
{
	size_t len = 64UL << 20;
	char *buf;

	if (wasp_replicate(0, WASP_ALL_NODES)) {
		perror("wasp_replicate");
		return 1;
	}
	printf("replicated on node mask %#lx\n", wasp_replicated_nodes(0));
	buf = malloc(len);
	if (!buf)
		return 1;
	memset(buf, 1, len);	/* page tables built now get their copies too */
	if (wasp_unreplicate(0)) {
		perror("wasp_unreplicate");
		return 1;
	}
	printf("replication off: mask %#lx\n", wasp_replicated_nodes(0));
	free(buf);
	return 0;
}
