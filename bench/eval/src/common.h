/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every evaluation workload shares: the command line, placement of
 * memory and threads on NUMA nodes for the three scenarios, page size,
 * the timed parallel phase and the one result line the driver parses
 * (bench/eval/run.sh; docs/evaluation.md).
 */
#ifndef EVAL_COMMON_H
#define EVAL_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum scenario { SC_MIGRATE, SC_WIDE, SC_LOCAL };

struct wl {
	const char *name;	/* workload name, printed in the result */
	enum scenario sc;
	int node_a, node_b;	/* thin scenarios: built on A; migrate: run on B */
	int threads;		/* 0: every CPU of the nodes it runs on */
	size_t mb;		/* main data size */
	uint64_t ops;		/* operations of the timed phase (0: default) */
	int thp;		/* 1: THP (MADV_HUGEPAGE), 0: 4 KB pages only */
	uint64_t seed;
	const char *status_out;	/* copy /proc/mitosis_status here after timing */
};

/* Parse the common options (see usage in common.c); exits 2 on bad input. */
void wl_init(struct wl *w, const char *name, int argc, char **argv);

/* The number of threads of the timed phase (resolves --threads 0). */
int wl_threads(struct wl *w);

/* Memory for the workload's data, with the run's page size. Zeroed. */
void *wl_alloc(const struct wl *w, size_t bytes);

/* Before building the data: bind memory and the caller to where it builds. */
void wl_place_build(const struct wl *w);

/*
 * Run fn(tid, nthreads, arg) on w->threads threads placed for the timed
 * phase (for SC_MIGRATE, first moving the data to node B while the page
 * tables stay on A). Returns the seconds from the common start to the last
 * thread's end.
 */
double wl_run(struct wl *w, void (*fn)(int tid, int nthreads, void *arg), void *arg);

/* Seconds on CLOCK_MONOTONIC. */
double wl_now(void);

/*
 * Print the result line and exit: 0 if @ok, else 1 with @why on stderr.
 * ops / seconds is the throughput in @unit per second.
 */
void wl_finish(const struct wl *w, int ok, const char *why, double seconds,
	       double ops, const char *unit);

/* A small fast generator (splitmix64), one state per thread. */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A fixed function of a key, the "payload" the checks expect back. */
static inline uint64_t mix64(uint64_t k)
{
	uint64_t s = k;

	return rng_next(&s);
}

#endif
