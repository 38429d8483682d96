// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of page-table replication for the operations that write page
 * tables: mmap + touch, mprotect, fork, munmap of a large region, and a
 * page-fault-heavy loop. Each is timed with replication off (before any
 * process used it, and again while another process is replicated, which
 * turns the kernel's static key on), on two nodes and on every node,
 * side by side in one run; the median of several runs is printed with
 * its ratio to the first column.
 *
 * usage: pgtable_repl_bench [SIZE_MB [RUNS]]   (default 1024 MB, 5 runs)
 *        pgtable_repl_bench --table SIZE_MB RUNS
 * Runs in a guest with two or more NUMA nodes, as root (scripts/vm-run.sh).
 * --table prints, as CSV, each operation's median cost per 4 KB page with
 * 1 copy (replication off) to N copies (the first N nodes with memory),
 * and its ratio to 1 copy: Mitosis's Table 5 form (bench/eval/run.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PR_SET_PGTABLE_REPL	100
#define MB			(1024UL * 1024)
#define PAGE			4096UL
#define MAX_RUNS		32

enum { OP_TOUCH, OP_MPROTECT, OP_FORK, OP_MUNMAP, OP_FAULTS, NR_OPS };
static const char *const op_names[NR_OPS] = {
	"mmap+touch", "mprotect", "fork", "munmap", "fault loop",
};

enum { COL_OFF, COL_OFF_KEY, COL_2, COL_ALL, NR_COLS };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
}

/* One run of every operation over @len bytes; seconds into @t. */
static void run_ops(size_t len, double t[NR_OPS])
{
	double start;
	char *p;
	pid_t child;
	int i, status;

	start = now();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	touch(p, len);
	t[OP_TOUCH] = now() - start;

	start = now();
	mprotect(p, len, PROT_READ);
	mprotect(p, len, PROT_READ | PROT_WRITE);
	t[OP_MPROTECT] = now() - start;

	start = now();
	child = fork();
	if (!child)
		_exit(0);
	waitpid(child, &status, 0);
	t[OP_FORK] = now() - start;

	start = now();
	munmap(p, len);
	t[OP_MUNMAP] = now() - start;

	/* Many small regions: table allocation and freeing dominate. */
	start = now();
	for (i = 0; i < 64; i++) {
		p = mmap(NULL, 8 * MB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		touch(p, 8 * MB);
		munmap(p, 8 * MB);
	}
	t[OP_FAULTS] = now() - start;
}

/* Median over @runs of each operation, with replication @mode. */
static void measure(unsigned long mode, size_t len, int runs, double med[NR_OPS])
{
	double t[MAX_RUNS][NR_OPS], col[MAX_RUNS];
	int r, op;

	if (prctl(PR_SET_PGTABLE_REPL, mode, 0, 0, 0)) {
		fprintf(stderr, "PR_SET_PGTABLE_REPL %#lx: %s\n", mode, strerror(errno));
		exit(1);
	}
	for (r = 0; r < runs; r++)
		run_ops(len, t[r]);
	prctl(PR_SET_PGTABLE_REPL, 0, 0, 0, 0);
	for (op = 0; op < NR_OPS; op++) {
		for (r = 0; r < runs; r++)
			col[r] = t[r][op];
		qsort(col, runs, sizeof(double), cmp_double);
		med[op] = col[runs / 2];
	}
}

static unsigned long memory_nodes(int *count)
{
	unsigned long mask = 0;
	int lo, hi, n;
	char buf[256] = "", *s = buf;
	FILE *f = fopen("/sys/devices/system/node/has_memory", "r");

	*count = 0;
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	while (sscanf(s, "%d%n", &lo, &n) == 1) {
		s += n;
		hi = lo;
		if (*s == '-' && sscanf(s + 1, "%d%n", &hi, &n) == 1)
			s += 1 + n;
		for (; lo <= hi && lo < 63; lo++, (*count)++)
			mask |= 1UL << lo;
		if (*s++ != ',')
			break;
	}
	return mask;
}

/* CSV: cost per page of each operation with 1 (off) to @nodes copies. */
static int table(unsigned long mask, int nodes, size_t len, int runs)
{
	double med[64][NR_OPS];
	unsigned long first = 0;
	int k, n, op;

	for (k = 1, n = 0; k <= nodes; k++) {
		while (!(mask >> n & 1))
			n++;
		first |= 1UL << n++;
		measure(k == 1 ? 0 : first, len, runs, med[k]);
	}
	printf("operation,copies,ns_per_page,ratio_to_1\n");
	for (op = 0; op < NR_OPS; op++)
		for (k = 1; k <= nodes; k++) {
			/* the fault loop maps 64 x 8 MB */
			double pages = (op == OP_FAULTS ? 64 * 8 * MB : len) / PAGE;

			printf("%s,%d,%.2f,%.3f\n", op_names[op], k, med[k][op] * 1e9 / pages,
			       med[k][op] / med[1][op]);
		}
	return 0;
}

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? strtoul(argv[1], NULL, 0) : 1024) * MB;
	int runs = argc > 2 ? atoi(argv[2]) : 5, nodes, op, col;
	double med[NR_COLS][NR_OPS];
	unsigned long mask = memory_nodes(&nodes), two;
	pid_t other;

	if (argc == 4 && !strcmp(argv[1], "--table")) {
		len = strtoul(argv[2], NULL, 0) * MB;
		runs = atoi(argv[3]);
		if (nodes < 2 || nodes > 63 || !len || runs < 1 || runs > MAX_RUNS) {
			fprintf(stderr, "needs 2+ nodes with memory, a size and 1-%d runs\n", MAX_RUNS);
			return 2;
		}
		return table(mask, nodes, len, runs);
	}
	if (nodes < 2 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "needs 2+ nodes with memory and 1-%d runs\n", MAX_RUNS);
		return 2;
	}
	two = mask & ~(mask & (mask - 1));		/* lowest node */
	two |= 1UL << (63 - __builtin_clzl(mask));	/* and highest */

	measure(0, len, runs, med[COL_OFF]);
	/* Another process replicated: the write hooks are live for all. */
	other = fork();
	if (!other) {
		prctl(PR_SET_PGTABLE_REPL, 1, 0, 0, 0);
		pause();
		_exit(0);
	}
	sleep(1);
	measure(0, len, runs, med[COL_OFF_KEY]);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	measure(two, len, runs, med[COL_2]);
	measure(1, len, runs, med[COL_ALL]);

	printf("region %zu MB, median of %d runs, %d nodes\n", len / MB, runs, nodes);
	printf("%-12s %12s %12s %12s %12s   %8s %8s %8s\n", "operation",
	       "off (ms)", "off,key (ms)", "2 copies", "all copies",
	       "key/off", "2/off", "all/off");
	for (op = 0; op < NR_OPS; op++) {
		printf("%-12s", op_names[op]);
		for (col = 0; col < NR_COLS; col++)
			printf(" %12.1f", med[col][op] * 1e3);
		printf("   %8.2f %8.2f %8.2f\n", med[COL_OFF_KEY][op] / med[COL_OFF][op],
		       med[COL_2][op] / med[COL_OFF][op],
		       med[COL_ALL][op] / med[COL_OFF][op]);
	}
	printf("copies: 2 = nodes %#lx, all = %d nodes; per extra copy, ratio r costs (r - 1) / copies\n",
	       two, nodes);
	return 0;
}
