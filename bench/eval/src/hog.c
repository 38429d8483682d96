// SPDX-License-Identifier: GPL-2.0-only
/*
 * A memory-bandwidth hog for the contended scenario: --threads threads on
 * the last CPUs of node --node-a (the workload takes the first ones) copy
 * one half of a buffer bound to that node into the other, until killed,
 * to load the node's memory controller as the interfering "STREAM"-like
 * co-runners of Mitosis's and WASP's interference experiments do
 * (McCalpin, "Memory bandwidth and machine balance in current high
 * performance computers", IEEE TCCA newsletter 1995).
 *
 * usage: hog --node-a N --threads T --mb MB   (prints "hog ready" once
 * its buffer is in place; SIGTERM ends it)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

struct hog {
	char *buf;
	size_t half;
};

static void *copy_forever(void *arg)
{
	struct hog *h = arg;

	for (;;) {
		memcpy(h->buf + h->half, h->buf, h->half);
		memcpy(h->buf, h->buf + h->half, h->half);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl w;
	cpu_set_t node, one;
	struct hog *h;
	pthread_t th;
	int cpu, t = 0;

	wl_init(&w, "hog", argc, argv);
	w.sc = SC_LOCAL;
	wl_place_build(&w);
	if (!w.threads)
		w.threads = 1;
	sched_getaffinity(0, sizeof(node), &node);
	for (cpu = CPU_SETSIZE - 1; cpu >= 0 && t < w.threads; cpu--) {
		if (!CPU_ISSET(cpu, &node))
			continue;
		h = wl_alloc(&w, sizeof(*h));
		h->half = (w.mb << 20) / w.threads / 2;
		h->buf = wl_alloc(&w, 2 * h->half);
		memset(h->buf, 1, 2 * h->half);
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (pthread_create(&th, NULL, copy_forever, h) ||
		    pthread_setaffinity_np(th, sizeof(one), &one)) {
			fprintf(stderr, "hog: cannot start its threads\n");
			return 2;
		}
		t++;
	}
	printf("hog ready: %d threads, %zu MB on node %d\n", t, w.mb, w.node_a);
	fflush(stdout);
	for (;;)
		pthread_join(th, NULL);
}
