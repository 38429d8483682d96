// SPDX-License-Identifier: GPL-2.0-only
/*
 * What moving a process's page tables to a node costs (PR_SET_PGTABLE_HOME
 * with PR_PGTABLE_HOME_MOVE), side by side in one run with what
 * replication costs for the same tree: turning it on for every node and
 * off again, and the memory each keeps: the one tree a move leaves
 * (VmPTE) against the copies replication adds to it (VmPTRepl). The tree is SIZE_MB of anonymous
 * memory read page by page (full PTE tables on the zero page, no data),
 * built by the process itself pinned to the first node's CPUs; each
 * operation runs RUNS times and the median is printed, per GB mapped.
 *
 * usage: pgtable_move_bench [SIZE_MB...] [-r RUNS]  (default 1024 4096, 5)
 * Runs as root in a guest with two or more NUMA nodes (scripts/vm-run.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define PR_SET_PGTABLE_REPL	100
#define PR_SET_PGTABLE_HOME	104
#define PR_PGTABLE_HOME_MOVE	1UL
#define MB			(1024UL * 1024)
#define MAX_RUNS		32
#define MAX_SIZES		8

enum { OP_MOVE, OP_BACK, OP_REPL_ON, OP_REPL_OFF, NR_OPS };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A "Key:   N kB" line of /proc/self/status; -1 if absent. */
static long status_kb(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			kb = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return kb;
}

/* Nodes with memory and the first CPU of the first one. */
static int nodes(int *first, int *second, int *cpu)
{
	char path[64], buf[256];
	int n = 0, i;
	FILE *f;

	*first = *second = *cpu = -1;
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", i);
		if (access(path, R_OK))
			continue;
		if (*first < 0)
			*first = i;
		else if (*second < 0)
			*second = i;
		n++;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", *first);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		*cpu = atoi(buf);
	if (f)
		fclose(f);
	return n;
}

static int call(int option, unsigned long a2, unsigned long a4)
{
	if (prctl(option, a2, 0UL, a4, 0UL)) {
		fprintf(stderr, "prctl(%d, %lu, 0, %lu): %s\n", option, a2, a4,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long sizes[MAX_SIZES] = { 1024, 4096 };
	int nr_sizes = 0, runs = 5, a, b, cpu, nr_nodes, s, r, op;
	double t[NR_OPS][MAX_RUNS], med[NR_OPS];
	cpu_set_t set;

	for (r = 1; r < argc; r++) {
		if (!strcmp(argv[r], "-r") && r + 1 < argc)
			runs = atoi(argv[++r]);
		else if (nr_sizes < MAX_SIZES && atol(argv[r]) > 0)
			sizes[nr_sizes++] = atol(argv[r]);
		else {
			fprintf(stderr, "usage: %s [SIZE_MB...] [-r RUNS]\n", argv[0]);
			return 2;
		}
	}
	if (!nr_sizes)
		nr_sizes = 2;
	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "RUNS must be 1-%d\n", MAX_RUNS);
		return 2;
	}
	nr_nodes = nodes(&a, &b, &cpu);
	if (nr_nodes < 2 || cpu < 0) {
		fprintf(stderr, "needs two nodes with memory, the first with CPUs\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);

	printf("# %d nodes; tables built on node %d, moved to node %d and back;\n"
	       "# replication on every node and off; median of %d runs\n",
	       nr_nodes, a, b, runs);
	printf("%8s | %9s %9s %9s | %10s %10s %9s | %9s %11s\n",
	       "mapped", "move", "back", "move/GB", "repl on", "repl off",
	       "on/move", "VmPTE", "VmPTRepl");
	printf("%8s | %9s %9s %9s | %10s %10s %9s | %9s %11s\n",
	       "MB", "ms", "ms", "ms", "ms", "ms", "ratio", "kB", "kB");
	for (s = 0; s < nr_sizes; s++) {
		size_t len = sizes[s] * MB, off;
		long pte_kb, repl_kb = 0;
		char *p;

		p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (off = 0; off < len; off += 4096)
			(void)*(volatile char *)(p + off);
		if (call(PR_SET_PGTABLE_HOME, a, PR_PGTABLE_HOME_MOVE))
			return 1;
		pte_kb = status_kb("VmPTE");
		for (r = 0; r < runs; r++) {
			double t0 = now_ms();

			if (call(PR_SET_PGTABLE_HOME, b, PR_PGTABLE_HOME_MOVE))
				return 1;
			t[OP_MOVE][r] = now_ms() - t0;
			t0 = now_ms();
			if (call(PR_SET_PGTABLE_HOME, a, PR_PGTABLE_HOME_MOVE))
				return 1;
			t[OP_BACK][r] = now_ms() - t0;
			t0 = now_ms();
			if (call(PR_SET_PGTABLE_REPL, 1, 0))
				return 1;
			t[OP_REPL_ON][r] = now_ms() - t0;
			repl_kb = status_kb("VmPTRepl");
			t0 = now_ms();
			if (call(PR_SET_PGTABLE_REPL, 0, 0))
				return 1;
			t[OP_REPL_OFF][r] = now_ms() - t0;
		}
		for (op = 0; op < NR_OPS; op++)
			med[op] = median(t[op], runs);
		printf("%8lu | %9.1f %9.1f %9.1f | %10.1f %10.1f %9.2f | %9ld %11ld\n",
		       sizes[s], med[OP_MOVE], med[OP_BACK],
		       med[OP_MOVE] * 1024 / sizes[s], med[OP_REPL_ON],
		       med[OP_REPL_OFF], med[OP_REPL_ON] / med[OP_MOVE], pte_kb,
		       repl_kb);
		fflush(stdout);
		munmap(p, len);
	}
	return 0;
}
