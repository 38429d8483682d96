// SPDX-License-Identifier: GPL-2.0
/*
 * Page-migration throughput per copy backend, side by side in one run:
 * the plain path, CPU threads (limit_mt_num 2 and 4) and the DMA engine
 * (whatever DMA_MEMCPY channels exist; in the test VM the test-only
 * memcpy_test_dma provider), for 4 KB pages, 2 MB THPs and batches too
 * small for any backend. Each figure is move_pages(2) node A -> B -> A,
 * repeated, the configurations taking turns round by round; MB/s counts
 * the bytes moved in both directions, over the median round trip (a burst
 * of host load then moves one round, not the figure).
 *
 * Needs root, two NUMA nodes with memory and CONFIG_MIGRATION_COPY_OFFLOAD.
 * Loads memcpy_test_dma from $WASP_MODULES or with modprobe if no DMA
 * channel can be taken otherwise.
 *
 * usage: migrate_copy_bench [-r REPS] [-m MiB]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define MPOL_BIND	2
#define MPOL_MF_MOVE	(1 << 1)
#define MOD		"memcpy_test_dma"

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int set_vm(const char *name, long val)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	snprintf(buf, sizeof(buf), "%ld", val);
	return write_file(path, buf);
}

static long long stat_of(const char *name)
{
	char key[64];
	long long val, ret = -1;
	FILE *f = fopen("/proc/migrate_copy_stats", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &val) == 2)
		if (!strcmp(key, name))
			ret = val;
	fclose(f);
	return ret;
}

static bool find_module(const char *dir, char *out, size_t len, int depth)
{
	struct dirent *e;
	char path[4096];
	bool found = false;
	DIR *d;

	if (depth > 8)
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			found = find_module(path, out, len, depth + 1);
		else if (!strcmp(e->d_name, MOD ".ko")) {
			snprintf(out, len, "%s", path);
			found = true;
		}
	}
	closedir(d);
	return found;
}

/* Take DMA channels, loading the test provider if needed. */
static bool dma_on(void)
{
	const char *dir = getenv("WASP_MODULES");
	char ko[4096];
	int fd;

	if (!set_vm("dsa_state", 1))
		return true;
	if (dir && *dir && find_module(dir, ko, sizeof(ko), 0)) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			syscall(SYS_finit_module, fd, "nr_channels=8", 0);
			close(fd);
		}
	}
	if (access("/sys/module/" MOD, F_OK) &&
	    system("modprobe " MOD " nr_channels=8 >/dev/null 2>&1"))
		return false;
	return !set_vm("dsa_state", 1);
}

static int two_nodes(int *a, int *b)
{
	char buf[256] = "", *p;
	int nodes[2], n = 0, fd, lo, hi;

	fd = open("/sys/devices/system/node/has_memory", O_RDONLY);
	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	for (p = buf; *p && n < 2; ) {
		lo = strtol(p, &p, 10);
		hi = lo;
		if (*p == '-')
			hi = strtol(p + 1, &p, 10);
		for (; lo <= hi && n < 2; lo++)
			nodes[n++] = lo;
		if (*p != ',')
			break;
		p++;
	}
	if (n == 2) {
		*a = nodes[0];
		*b = nodes[1];
	}
	return n;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct workload {
	const char *name;
	bool thp;
	unsigned long per_call;	/* folios per move_pages() call, 0: all */
	char *mem;
	unsigned long len;
	void **addrs;
	unsigned long naddrs;
	int *nodes, *status;
};

static uint64_t sum(const char *p, unsigned long len)
{
	const uint64_t *w = (const uint64_t *)p;
	uint64_t h = 1469598103934665603ULL;
	unsigned long i;

	for (i = 0; i < len / 8; i++)
		h = (h ^ w[i]) * 1099511628211ULL;
	return h;
}

static int setup(struct workload *w, unsigned long len, int node)
{
	unsigned long mask = 1UL << node, i, step;
	char *raw;

	w->len = len;
	raw = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return -1;
	w->mem = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(w->mem, len, w->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		return -1;
	if (syscall(SYS_mbind, w->mem, len, MPOL_BIND, &mask, 64, 0))
		return -1;
	for (i = 0; i < len / 8; i++)
		((uint64_t *)w->mem)[i] = i * 0x9e3779b97f4a7c15ULL;
	step = w->thp ? HPAGE : PAGE;
	w->naddrs = len / step;
	w->addrs = calloc(w->naddrs, sizeof(void *));
	w->nodes = calloc(w->naddrs, sizeof(int));
	w->status = calloc(w->naddrs, sizeof(int));
	for (i = 0; i < w->naddrs; i++)
		w->addrs[i] = w->mem + i * step;
	return 0;
}

static int move_all(struct workload *w, int node)
{
	unsigned long i, n = w->per_call ? w->per_call : w->naddrs;

	for (i = 0; i < w->naddrs; i++)
		w->nodes[i] = node;
	for (i = 0; i < w->naddrs; i += n) {
		unsigned long c = w->naddrs - i < n ? w->naddrs - i : n;

		if (syscall(SYS_move_pages, 0, c, w->addrs + i, w->nodes + i,
			    w->status + i, MPOL_MF_MOVE))
			return -1;
	}
	return 0;
}

/* Seconds of one round trip A -> B -> A, -1 on failure. */
static double round_trip(struct workload *w, int a, int b)
{
	double t0 = now();

	if (move_all(w, b) || move_all(w, a))
		return -1;
	return now() - t0;
}

enum { PLAIN, MT2, MT4, DMA, NR_CONFIGS };
static const char * const config_names[] = { "plain", "mt2", "mt4", "dma" };

static bool configure(int c, bool have_dma)
{
	set_vm("use_dsa_copy_pages", 0);
	set_vm("cpu_multi_copy_pages", 0);
	switch (c) {
	case MT2:
	case MT4:
		set_vm("limit_mt_num", c == MT2 ? 2 : 4);
		return !set_vm("cpu_multi_copy_pages", 1);
	case DMA:
		return have_dma && !set_vm("use_dsa_copy_pages", 1);
	}
	return true;
}

int main(int argc, char **argv)
{
	int a, b, reps = 5, mib = 32, opt, c, i;
	struct workload w[] = {
		{ .name = "4 KB pages", .thp = false },
		{ .name = "2 MB THPs", .thp = true },
		{ .name = "8-page batches", .thp = false, .per_call = 8 },
	};
	double mbs[3][NR_CONFIGS], copy_mbs[3][NR_CONFIGS];
	long long batches[3][NR_CONFIGS][3];
	bool have_dma, usable[NR_CONFIGS];
	struct utsname u;

	while ((opt = getopt(argc, argv, "r:m:")) != -1) {
		if (opt == 'r')
			reps = atoi(optarg);
		else if (opt == 'm')
			mib = atoi(optarg);
		else
			return fprintf(stderr, "usage: %s [-r REPS] [-m MiB]\n", argv[0]), 2;
	}
	if (reps < 1 || mib < 4)
		return fprintf(stderr, "-r must be at least 1 and -m at least 4\n"), 2;
	if (two_nodes(&a, &b) < 2)
		return fprintf(stderr, "needs two NUMA nodes with memory\n"), 4;
	if (access("/proc/sys/vm/cpu_multi_copy_pages", F_OK))
		return fprintf(stderr, "kernel without CONFIG_MIGRATION_COPY_OFFLOAD\n"), 4;
	have_dma = dma_on();
	set_vm("limit_chans", 8);
	set_vm("dsa_copy_threshold", 12);
	uname(&u);
	printf("migrate_copy_bench: kernel %s, %ld CPUs, nodes %d<->%d, %d round trips, %d MiB per workload\n",
	       u.release, sysconf(_SC_NPROCESSORS_ONLN), a, b, reps, mib);
	printf("DMA: %s\n", have_dma ? "channels taken (dsa_state=1)" : "no DMA_MEMCPY channels");

	for (c = 0; c < NR_CONFIGS; c++)
		usable[c] = configure(c, have_dma);
	for (i = 0; i < 3; i++) {
		unsigned long len = (unsigned long)mib << 20;
		double *secs[NR_CONFIGS], t;
		long long bytes[NR_CONFIGS] = { 0 }, ns[NR_CONFIGS] = { 0 };
		uint64_t before;
		int r, k;

		if (i == 2)
			len = 4 << 20;	/* 1024 pages, 128 calls */
		if (setup(&w[i], len, a))
			return perror("setup"), 1;
		before = sum(w[i].mem, w[i].len);
		for (c = 0; c < NR_CONFIGS; c++) {
			secs[c] = calloc(reps, sizeof(double));
			if (!secs[c])
				return perror("calloc"), 1;
		}
		memset(batches[i], 0, sizeof(batches[i]));
		/*
		 * Round r runs one round trip per configuration, starting with
		 * a different one each round, so that drift over the run
		 * (memory layout, host load) falls on every column alike.
		 * Round -1 warms up and is not counted.
		 */
		for (r = -1; r < reps; r++) {
			for (k = 0; k < NR_CONFIGS; k++) {
				c = (k + r + 1) % NR_CONFIGS;
				if (!usable[c] || !configure(c, have_dma))
					continue;
				write_file("/proc/migrate_copy_stats", "1");
				t = round_trip(&w[i], a, b);
				if (t < 0)
					return perror("move_pages"), 1;
				if (r < 0)
					continue;
				secs[c][r] = t;
				batches[i][c][0] += stat_of("batches_plain");
				batches[i][c][1] += stat_of("batches_mt");
				batches[i][c][2] += stat_of("batches_dma");
				bytes[c] += c == DMA ? stat_of("bytes_dma") : stat_of("bytes_mt");
				ns[c] += c == DMA ? stat_of("time_ns_dma") : stat_of("time_ns_mt");
			}
		}
		if (sum(w[i].mem, w[i].len) != before)
			return fprintf(stderr, "%s: data changed!\n", w[i].name), 1;
		for (c = 0; c < NR_CONFIGS; c++) {
			mbs[i][c] = usable[c] ? 2.0 * len / median(secs[c], reps) / 1e6 : -1;
			copy_mbs[i][c] = c != PLAIN && ns[c] > 0 ? bytes[c] * 1e3 / ns[c] : -1;
			free(secs[c]);
		}
	}
	configure(PLAIN, have_dma);

	printf("\nmigration throughput, MB/s over the median round trip (ratio to plain)\n%-16s", "workload");
	for (c = 0; c < NR_CONFIGS; c++)
		printf(" %16s", config_names[c]);
	printf("\n");
	for (i = 0; i < 3; i++) {
		printf("%-16s", w[i].name);
		for (c = 0; c < NR_CONFIGS; c++) {
			char cell[32] = "n/a";

			if (mbs[i][c] > 0)
				snprintf(cell, sizeof(cell), "%.0f (%.2fx)", mbs[i][c],
					 mbs[i][c] / mbs[i][PLAIN]);
			printf(" %16s", cell);
		}
		printf("\n");
	}
	printf("\ncopy step alone (bytes / time in the batch copy), MB/s\n%-16s", "workload");
	for (c = MT2; c < NR_CONFIGS; c++)
		printf(" %16s", config_names[c]);
	printf("\n");
	for (i = 0; i < 3; i++) {
		printf("%-16s", w[i].name);
		for (c = MT2; c < NR_CONFIGS; c++) {
			char cell[32] = "-";

			if (copy_mbs[i][c] > 0)
				snprintf(cell, sizeof(cell), "%.0f", copy_mbs[i][c]);
			printf(" %16s", cell);
		}
		printf("\n");
	}
	printf("\nbatches (plain/mt/dma) per configuration\n");
	for (i = 0; i < 3; i++) {
		printf("%-16s", w[i].name);
		for (c = 0; c < NR_CONFIGS; c++)
			if (mbs[i][c] > 0)
				printf("  %s %lld/%lld/%lld", config_names[c],
				       c == PLAIN ? 0 : batches[i][c][0],
				       batches[i][c][1], batches[i][c][2]);
		printf("\n");
	}
	if (have_dma)
		set_vm("dsa_state", 0);
	return 0;
}
