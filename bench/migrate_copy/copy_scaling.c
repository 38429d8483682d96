// SPDX-License-Identifier: GPL-2.0
/*
 * The ceiling for any multi-threaded copy on this machine: how much faster
 * N threads copy memory than one, in user space, with no migration around
 * it. Each thread copies its own 2 MB buffers with `rep movsb` (what the
 * kernel's machine-check-safe page copy runs on CPUs with ERMS), as many
 * bytes in total per configuration, threads pinned to distinct CPUs.
 * With -l the threads copy 8 bytes per instruction in a loop instead
 * (what memcpy() does on CPUs without ERMS). Run next to
 * migrate_copy_bench: a backend cannot scale better than the copy itself
 * does here.
 *
 * usage: copy_scaling [-l] [-t MAX_THREADS] [-g GiB per thread]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BUF	(2UL << 20)

static unsigned long bytes_per_thread;
static bool word_loop;

struct worker {
	pthread_t thread;
	int cpu;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void copy_rep_movsb(void *dst, const void *src, unsigned long len)
{
	asm volatile("rep movsb"
		     : "+D" (dst), "+S" (src), "+c" (len) : : "memory");
}

static void copy_words(void *dst, const void *src, unsigned long len)
{
	volatile uint64_t *d = dst;
	const uint64_t *s = src;
	unsigned long i;

	for (i = 0; i < len / 8; i++)
		d[i] = s[i];
}

static void *run(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;
	char *src, *dst;
	unsigned long done;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	src = mmap(NULL, 2 * BUF, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (src == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	dst = src + BUF;
	memset(src, 0x5a, BUF);
	for (done = 0; done < bytes_per_thread; done += BUF)
		if (word_loop)
			copy_words(dst, src, BUF);
		else
			copy_rep_movsb(dst, src, BUF);
	if (memcmp(src, dst, BUF)) {
		fprintf(stderr, "copy_scaling: copy mismatch\n");
		exit(1);
	}
	munmap(src, 2 * BUF);
	return NULL;
}

/* Seconds for @n threads to copy bytes_per_thread each. */
static double timed(int n)
{
	struct worker w[64];
	double t0 = now();
	int i;

	for (i = 0; i < n; i++) {
		w[i].cpu = i;
		pthread_create(&w[i].thread, NULL, run, &w[i]);
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	return now() - t0;
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int max = 4, opt, n;
	double gib = 0.5, one;

	while ((opt = getopt(argc, argv, "lt:g:")) != -1) {
		switch (opt) {
		case 'l':
			word_loop = true;
			break;
		case 't':
			max = atoi(optarg);
			break;
		case 'g':
			gib = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-l] [-t MAX_THREADS] [-g GiB]\n",
				argv[0]);
			return 2;
		}
	}
	if (max > cpus)
		max = cpus;
	if (max < 1 || max > 64 || gib <= 0) {
		fprintf(stderr, "copy_scaling: bad -t or -g\n");
		return 2;
	}
	bytes_per_thread = (unsigned long)(gib * (1UL << 30));
	timed(1);	/* warm-up: page tables, the emulator's code cache */
	one = timed(1);
	printf("copy scaling (%s, 2 MB buffers, %.2f GiB per thread)\n",
	       word_loop ? "8-byte loop" : "rep movsb", gib);
	printf("threads  MB/s      speed-up\n");
	printf("%7d  %8.0f  1.00x\n", 1, bytes_per_thread / one / 1e6);
	for (n = 2; n <= max; n *= 2) {
		double t = timed(n);

		/* n threads copy n times the bytes: speed-up = n * one / t */
		printf("%7d  %8.0f  %.2fx\n", n,
		       n * bytes_per_thread / t / 1e6, n * one / t);
	}
	return 0;
}
