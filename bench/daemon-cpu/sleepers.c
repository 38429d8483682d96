// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process with N live, sleeping threads (default 1000) for waspd's CPU
 * benchmark. Prints "ready" once every thread runs, then sleeps until killed.
 * usage: sleepers [N]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	/* n threads besides main: n - 1, so the process has n threads in all. */
	for (int i = 1; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, &attr, sleeper, NULL);

		if (err) {
			fprintf(stderr, "sleepers: thread %d: %s\n", i, strerror(err));
			return 1;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
