// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared part of the evaluation workloads (common.h). Placement uses the
 * plain system calls: set_mempolicy(2) binds or interleaves the data,
 * sched_setaffinity(2) the threads, and migrate_pages(2) moves the data of
 * the migrated scenario, which leaves the page tables where they were
 * built: the kernel does not move page-table pages with the data (the
 * setting of Mitosis's "workload migration", Achermann et al., ASPLOS 2020).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define MPOL_BIND_		2
#define MPOL_INTERLEAVE_	3
#define PR_GET_PGTABLE_REPL_	101
#define MAX_NODES		64
#define HUGE_2M			(2UL << 20)

static const char *const sc_names[] = { "migrate", "wide", "local" };

static void usage(const char *name)
{
	fprintf(stderr,
		"usage: %s [--scenario migrate|wide|local] [--node-a N] [--node-b N]\n"
		"       [--threads N] [--mb MB] [--ops N] [--pages 4k|thp] [--seed N]\n"
		"       [--status-out FILE]\n"
		"  migrate: build on node A, then threads and data move to node B\n"
		"           (page tables stay on A); wide: every node, data\n"
		"           interleaved; local: build and run on node A\n", name);
}

static void die(const struct wl *w, const char *what)
{
	fprintf(stderr, "%s: %s\n", w->name, what);
	exit(2);
}

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

/* A sysfs list ("0-3,8") into @set; its count. */
static int read_list(const char *path, cpu_set_t *set)
{
	char buf[1024] = "", *s = buf;
	int lo, hi, n, count = 0;
	FILE *f;

	CPU_ZERO(set);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	while (sscanf(s, "%d%n", &lo, &n) == 1) {
		s += n;
		hi = lo;
		if (*s == '-' && sscanf(s + 1, "%d%n", &hi, &n) == 1)
			s += 1 + n;
		for (; lo <= hi && lo < CPU_SETSIZE; lo++, count++)
			CPU_SET(lo, set);
		if (*s++ != ',')
			break;
	}
	return count;
}

/* The CPUs of @node into @set; their count. */
static int node_cpus(int node, cpu_set_t *set)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	return read_list(path, set);
}

static unsigned long memory_nodes(void)
{
	unsigned long mask = 0;
	cpu_set_t set;
	int n;

	read_list("/sys/devices/system/node/has_memory", &set);
	for (n = 0; n < MAX_NODES; n++)
		if (CPU_ISSET(n, &set))
			mask |= 1UL << n;
	return mask;
}

static void set_policy(const struct wl *w, int mode, unsigned long mask)
{
	if (syscall(SYS_set_mempolicy, mode, &mask, MAX_NODES + 1))
		die(w, "set_mempolicy failed");
}

static void set_cpus_of(const struct wl *w, int node)
{
	cpu_set_t set;

	if (node_cpus(node, &set) <= 0 || sched_setaffinity(0, sizeof(set), &set))
		die(w, "cannot run on the node's CPUs");
}

void wl_init(struct wl *w, const char *name, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", 1, 0, 's' }, { "node-a", 1, 0, 'a' }, { "node-b", 1, 0, 'b' },
		{ "threads", 1, 0, 't' }, { "mb", 1, 0, 'm' }, { "ops", 1, 0, 'o' },
		{ "pages", 1, 0, 'p' }, { "seed", 1, 0, 'r' }, { "status-out", 1, 0, 'S' },
		{ "help", 0, 0, 'h' }, { 0, 0, 0, 0 } };
	unsigned long nodes = memory_nodes();
	uint64_t v;
	int c, i;

	*w = (struct wl){ .name = name, .sc = SC_LOCAL, .node_a = 0, .node_b = 1,
			  .mb = 16, .thp = 0, .seed = 1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(name);
			exit(0);
		}
		if (c == '?') {
			usage(name);
			exit(2);
		}
		if (c == 's') {
			for (i = 0; i < 3 && strcmp(optarg, sc_names[i]); i++)
				;
			if (i == 3)
				die(w, "unknown scenario (migrate, wide or local)");
			w->sc = i;
			continue;
		}
		if (c == 'p') {
			if (strcmp(optarg, "4k") && strcmp(optarg, "thp"))
				die(w, "--pages is 4k or thp");
			w->thp = !strcmp(optarg, "thp");
			continue;
		}
		if (c == 'S') {
			w->status_out = optarg;
			continue;
		}
		if (parse_num(optarg, &v))
			die(w, "options take a number");
		switch (c) {
		case 'a': w->node_a = v; break;
		case 'b': w->node_b = v; break;
		case 't': w->threads = v; break;
		case 'm': w->mb = v; break;
		case 'o': w->ops = v; break;
		case 'r': w->seed = v; break;
		}
	}
	if (optind < argc)
		die(w, "unexpected argument");
	if (w->node_a >= MAX_NODES || !(nodes >> w->node_a & 1) ||
	    (w->sc == SC_MIGRATE &&
	     (w->node_b >= MAX_NODES || !(nodes >> w->node_b & 1))))
		die(w, "no such node");
	if (w->sc == SC_MIGRATE && w->node_a == w->node_b)
		die(w, "migrate needs two different nodes");
	if (!w->mb || w->mb > (1UL << 24))
		die(w, "--mb out of range");
	/* 4 KB pages: no THP for this process, whatever the system setting */
	if (!w->thp && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		die(w, "PR_SET_THP_DISABLE failed");
}

void *wl_alloc(const struct wl *w, size_t bytes)
{
	size_t len = (bytes + HUGE_2M - 1) & ~(HUGE_2M - 1);
	char *p = mmap(NULL, len + HUGE_2M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die(w, "out of memory");
	/* 2 MB aligned, so that THP can back all of it */
	p = (char *)(((uintptr_t)p + HUGE_2M - 1) & ~(HUGE_2M - 1));
	madvise(p, len, w->thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

void wl_place_build(const struct wl *w)
{
	if (w->sc == SC_WIDE) {
		set_policy(w, MPOL_INTERLEAVE_, memory_nodes());
		return;
	}
	set_policy(w, MPOL_BIND_, 1UL << w->node_a);
	set_cpus_of(w, w->node_a);
}

double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct thread_arg {
	pthread_t th;
	int tid, n, cpu;
	double t0, t1;		/* this thread's start and end */
	pthread_barrier_t *go;
	void (*fn)(int, int, void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_arg *t = p;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(t->cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
	pthread_barrier_wait(t->go);
	t->t0 = wl_now();
	t->fn(t->tid, t->n, t->arg);
	t->t1 = wl_now();
	return NULL;
}

/* The CPUs the timed phase's threads are pinned to, in turn: the run
 * node's, or for the wide scenario every node's taken in turn. */
static int run_cpus(const struct wl *w, int *cpus)
{
	unsigned long nodes = memory_nodes();
	cpu_set_t sets[MAX_NODES];
	int ncpu = 0, node, c, i, more;

	for (node = 0; node < MAX_NODES; node++)
		if (nodes >> node & 1)
			node_cpus(node, &sets[node]);
		else
			CPU_ZERO(&sets[node]);
	for (i = 0, more = 1; more; i++) {
		more = 0;
		for (node = 0; node < MAX_NODES; node++) {
			int k = 0;

			if (w->sc == SC_MIGRATE && node != w->node_b)
				continue;
			if (w->sc == SC_LOCAL && node != w->node_a)
				continue;
			for (c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &sets[node]) && k++ == i) {
					cpus[ncpu++] = c;
					more = 1;
					break;
				}
		}
	}
	if (!ncpu)
		die(w, "the run node has no CPUs");
	return ncpu;
}

int wl_threads(struct wl *w)
{
	int cpus[CPU_SETSIZE];

	if (!w->threads)
		w->threads = run_cpus(w, cpus);
	return w->threads;
}

double wl_run(struct wl *w, void (*fn)(int, int, void *), void *arg)
{
	int cpus[CPU_SETSIZE], ncpu = run_cpus(w, cpus), i;
	unsigned long a = 1UL << w->node_a, b = 1UL << w->node_b;
	struct thread_arg *t;
	pthread_barrier_t go;
	double start = 0, end = 0;

	wl_threads(w);
	if (w->sc == SC_MIGRATE) {
		set_cpus_of(w, w->node_b);
		/* pages move, page tables stay on A */
		if (syscall(SYS_migrate_pages, 0, MAX_NODES + 1, &a, &b) < 0)
			die(w, "migrate_pages failed");
		set_policy(w, MPOL_BIND_, b);
	}
	t = calloc(w->threads, sizeof(*t));
	if (!t)
		die(w, "out of memory");
	pthread_barrier_init(&go, NULL, w->threads + 1);
	for (i = 0; i < w->threads; i++) {
		t[i] = (struct thread_arg){ .tid = i, .n = w->threads, .cpu = cpus[i % ncpu],
					    .go = &go, .fn = fn, .arg = arg };
		if (pthread_create(&t[i].th, NULL, thread_main, &t[i]))
			die(w, "pthread_create failed");
	}
	pthread_barrier_wait(&go);
	/* from the first thread's start to the last one's end: the main
	 * thread may run only after the others have worked */
	for (i = 0; i < w->threads; i++) {
		pthread_join(t[i].th, NULL);
		if (!i || t[i].t0 < start)
			start = t[i].t0;
		if (!i || t[i].t1 > end)
			end = t[i].t1;
	}
	free(t);
	return end - start;
}

/* VmPTRepl of this process, in kB (-1: the kernel has none). */
static long vm_ptrepl_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTRepl: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void copy_status(const char *to)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen("/proc/mitosis_status", "r"), *out;

	if (!in)
		return;
	out = fopen(to, "w");
	if (out) {
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		fclose(out);
	}
	fclose(in);
}

void wl_finish(const struct wl *w, int ok, const char *why, double seconds,
	       double ops, const char *unit)
{
	long mask = prctl(PR_GET_PGTABLE_REPL_, 0, 0, 0, 0);

	if (w->status_out)
		copy_status(w->status_out);
	printf("RESULT workload=%s scenario=%s pages=%s threads=%d mb=%zu seconds=%.6f "
	       "ops=%.0f unit=%s rate=%.1f verify=%s ptrepl_kb=%ld repl_mask=%#lx\n",
	       w->name, sc_names[w->sc], w->thp ? "thp" : "4k", w->threads, w->mb,
	       seconds, ops, unit, seconds > 0 ? ops / seconds : 0, ok ? "ok" : "FAIL",
	       vm_ptrepl_kb(), mask < 0 ? 0 : (unsigned long)mask);
	fflush(stdout);
	if (!ok) {
		fprintf(stderr, "%s: verification FAILED: %s\n", w->name, why);
		exit(1);
	}
	exit(0);
}
