// SPDX-License-Identifier: GPL-2.0-only
/*
 * The replication static key switched on and off while other threads
 * take anonymous page faults, whose path holds the key's hottest site
 * (do_anonymous_page()). With CONFIG_JUMP_LABEL=y each switch patches
 * that site under the faulting CPUs: the reproducer of the "Oops: int3"
 * seen under multi-threaded QEMU TCG (docs/testing.md). The kernel drops
 * the key a second after the last replicated process, so each cycle
 * leaves it off a little longer than that.
 *
 * WASP_KEY_TOGGLE_SECONDS: how long (default 20).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define PR_SET_PGTABLE_REPL	100
#define CHUNK			(4UL << 20)
#define FAULTERS		3

static volatile int stop;

/* Map, touch every page of, and unmap a chunk, over and over. */
static void *fault_loop(void *arg)
{
	unsigned long *faults = arg, off;
	char *p;

	while (!stop) {
		p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return (void *)1L;
		for (off = 0; off < CHUNK; off += 4096)
			p[off] = 1;
		munmap(p, CHUNK);
		*faults += CHUNK / 4096;
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(toggle) {
};

FIXTURE_SETUP(toggle)
{
}

FIXTURE_TEARDOWN(toggle)
{
}

/* Long runs (WASP_KEY_TOGGLE_SECONDS) must not meet the 30 s default. */
TEST_F_TIMEOUT(toggle, key_switches_under_anonymous_faults, 3600)
{
	const char *env = getenv("WASP_KEY_TOGGLE_SECONDS");
	double secs = env ? atof(env) : 20, end = now() + secs;
	unsigned long faults[FAULTERS] = { 0 }, total = 0;
	pthread_t threads[FAULTERS];
	int i, cycles = 0;
	void *ret;

	if (prctl(PR_SET_PGTABLE_REPL, 1, 0, 0, 0) && errno == EINVAL)
		SKIP(return, "no page-table replication in this kernel");
	prctl(PR_SET_PGTABLE_REPL, 0, 0, 0, 0);
	/* A separate process toggles: the faulting one stays unreplicated. */
	for (i = 0; i < FAULTERS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, fault_loop, &faults[i]));
	while (now() < end) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid)
			_exit(prctl(PR_SET_PGTABLE_REPL, 1, 0, 0, 0) ? 1 : 0);
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		usleep(1300 * 1000);	/* the key goes off after a second */
		cycles++;
	}
	stop = 1;
	for (i = 0; i < FAULTERS; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], &ret));
		ASSERT_EQ(NULL, ret);
		total += faults[i];
	}
	ksft_print_msg("%d key on/off cycles, %lu anonymous faults meanwhile\n",
		       cycles, total);
}

TEST_HARNESS_MAIN
