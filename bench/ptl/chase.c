// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference pointer chase for waspd's PTL probe: the same measurement in C.
 *
 * For each node with CPUs (pinned to its first CPU) and each node with memory:
 * mmap a buffer, mbind(MPOL_BIND) it to the memory node, touch every page,
 * write the chain read from CHAIN_FILE (native 32-bit ints, next[i] = the line
 * after line i, as written by waspd's ProbeBench) into the first 8 bytes of
 * every 64-byte line, chase it once to warm up, then keep the minimum over
 * TRIALS timed passes of STEPS dependent loads.
 *
 * usage: chase CHAIN_FILE STEPS TRIALS
 * prints: ptl CPU_NODE MEM_NODE NS  and  matrix_ms MS pairs P
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LINE 64
#define PAGE 4096
#define MAX_NODES 64
#define MPOL_BIND 2
#define MPOL_MF_STRICT (1 << 0)
#define MPOL_MF_MOVE (1 << 1)

static volatile uint64_t sink;

static void die(const char *what)
{
	fprintf(stderr, "chase: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t chase(const char *buf, uint64_t p, long steps)
{
	for (long s = 0; s < steps; s++)
		p = *(const uint64_t *)(buf + p);
	return p;
}

/* First number of a cpulist/nodelist file ("0-3,8"), or -1 if empty or missing. */
static int first_in_list(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Parses a list like "0-1,3" into set[]. */
static int parse_list(const char *path, int *set)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	char *s;
	int n = 0;

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	for (s = strtok(line, ",\n"); s; s = strtok(NULL, ",\n")) {
		int lo, hi;

		if (sscanf(s, "%d-%d", &lo, &hi) == 2) {
			for (int i = lo; i <= hi && i < MAX_NODES; i++)
				set[i] = 1, n++;
		} else if (sscanf(s, "%d", &lo) == 1 && lo < MAX_NODES) {
			set[lo] = 1, n++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	int cpu_of[MAX_NODES], has_mem[MAX_NODES] = { 0 }, any_node = 0;
	long steps, trials, lines, pairs = 0;
	size_t len;
	uint32_t *next;
	struct stat st;
	double t_matrix;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: chase CHAIN_FILE STEPS TRIALS\n");
		return 2;
	}
	steps = atol(argv[2]);
	trials = atol(argv[3]);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die(argv[1]);
	lines = st.st_size / 4;
	next = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (next == MAP_FAILED)
		die("mmap chain");
	len = ((size_t)lines * LINE + PAGE - 1) / PAGE * PAGE;

	/* Topology as waspd reads it: nodeN/cpulist, has_memory; no nodes: node 0. */
	for (int n = 0; n < MAX_NODES; n++) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", n);
		cpu_of[n] = first_in_list(path);
		if (access(path, F_OK) == 0)
			any_node = 1;
	}
	if (!any_node) {
		cpu_of[0] = first_in_list("/sys/devices/system/cpu/online");
		if (cpu_of[0] < 0)
			cpu_of[0] = 0;
		has_mem[0] = 1;
	} else if (!parse_list("/sys/devices/system/node/has_memory", has_mem)) {
		has_mem[0] = 1;
	}

	t_matrix = now_ns();
	for (int c = 0; c < MAX_NODES; c++) {
		cpu_set_t set, old;

		if (cpu_of[c] < 0)
			continue;
		sched_getaffinity(0, sizeof(old), &old);
		CPU_ZERO(&set);
		CPU_SET(cpu_of[c], &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity");
		for (int m = 0; m < MAX_NODES; m++) {
			unsigned long mask[MAX_NODES / 64 + 1] = { 0 };
			double best = 1e300;
			uint64_t p;
			char *buf;

			if (!has_mem[m])
				continue;
			buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (buf == MAP_FAILED)
				die("mmap buffer");
			mask[m / 64] = 1UL << (m % 64);
			/* maxnode is the number of bits + 1, as in waspd. */
			if (syscall(SYS_mbind, buf, len, MPOL_BIND, mask, (m / 64 + 1) * 64 + 1,
				    MPOL_MF_STRICT | MPOL_MF_MOVE))
				die("mbind");
			for (size_t off = 0; off < len; off += PAGE)
				buf[off] = 1;
			for (long i = 0; i < lines; i++)
				*(uint64_t *)(buf + i * LINE) = (uint64_t)next[i] * LINE;
			p = chase(buf, 0, steps);
			for (long t = 0; t < trials; t++) {
				double t0 = now_ns(), t1;

				p = chase(buf, p, steps);
				t1 = now_ns();
				if ((t1 - t0) / steps < best)
					best = (t1 - t0) / steps;
			}
			sink = p;
			printf("ptl %d %d %.2f\n", c, m, best);
			fflush(stdout);
			pairs++;
			munmap(buf, len);
		}
		sched_setaffinity(0, sizeof(old), &old);
	}
	printf("matrix_ms %.0f pairs %ld\n", (now_ns() - t_matrix) / 1e6, pairs);
	return 0;
}
