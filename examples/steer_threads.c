// SPDX-License-Identifier: GPL-2.0-only
/* Each thread walks the copy of another node than its own (steering). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <wasp.h>

static void *worker(void *arg)
{
	int node = (int)(long)arg, now;

	if (wasp_steer(0, node) || wasp_steered_node(0, &now)) {
		perror("wasp_steer");
		return (void *)1L;
	}
	printf("thread %d walks node %d's copy\n", gettid(), now);
	wasp_steer(0, WASP_NODE_AUTO);
	return NULL;
}

int main(void)
{
	pthread_t threads[2];
	long mask;
	void *ret;
	int i, bad = 0, steer_to;

	if (wasp_replicate(0, WASP_ALL_NODES)) {
		perror("wasp_replicate");
		return 1;
	}
	mask = wasp_replicated_nodes(0);
	for (i = 0; i < 2; i++) {
		/* the i-th replicated node, else the first */
		steer_to = __builtin_ctzl(mask);
		if (i && (mask & (mask - 1)))
			steer_to = __builtin_ctzl(mask & (mask - 1));
		pthread_create(&threads[i], NULL, worker, (void *)(long)steer_to);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(threads[i], &ret);
		bad |= ret != NULL;
	}
	wasp_unreplicate(0);
	return bad;
}
