// SPDX-License-Identifier: GPL-2.0-only
/*
 * GUPS: random read-modify-write updates of one large table, as defined by
 * the HPC Challenge "RandomAccess" benchmark (Luszczek et al., "The HPC
 * Challenge (HPCC) benchmark suite", SC 2006; the RandomAccess rules on
 * icl.utk.edu/hpcc): a table T of 2^n 64-bit words with T[i] = i, a
 * stream of 64-bit values from the primitive polynomial x^63 + x^2 + x + 1
 * over GF(2) (next = value << 1, xor 7 when the top bit was set), and for
 * each value a = T[a mod 2^n] ^= a. Mitosis's GUPS (Achermann et al., ASPLOS
 * 2020) is this kernel. Each thread runs its own stream from its own
 * seed (HPCC's threads share one stream cut into pieces).
 *
 * Check, as HPCC's: xor being its own inverse, applying the same updates
 * again returns every word to its index; concurrent threads may lose an
 * update to a race, and HPCC accepts up to 1% of the words wrong.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#define POLY 0x7ULL

struct gups {
	uint64_t *t, mask, per_thread, seed;
};

static uint64_t start_value(uint64_t seed, int tid)
{
	uint64_t s = seed * 1000003 + tid;

	return rng_next(&s) | 1;
}

static void updates(struct gups *g, int tid)
{
	uint64_t ran = start_value(g->seed, tid), i;

	for (i = 0; i < g->per_thread; i++) {
		ran = (ran << 1) ^ ((int64_t)ran < 0 ? POLY : 0);
		g->t[ran & g->mask] ^= ran;
	}
}

static void work(int tid, int n, void *arg)
{
	(void)n;
	updates(arg, tid);
}

int main(int argc, char **argv)
{
	struct wl w;
	struct gups g;
	uint64_t words = 1, i, errors = 0;
	double secs;
	char why[128];
	int tid;

	wl_init(&w, "gups", argc, argv);
	while (words * 2 * sizeof(uint64_t) <= w.mb << 20)
		words *= 2;
	wl_place_build(&w);
	g.t = wl_alloc(&w, words * sizeof(uint64_t));
	for (i = 0; i < words; i++)
		g.t[i] = i;
	g.mask = words - 1;
	g.seed = w.seed;
	/* HPCC: 4 updates per word */
	g.per_thread = (w.ops ? w.ops : 4 * words) / wl_threads(&w);
	secs = wl_run(&w, work, &g);

	for (tid = 0; tid < w.threads; tid++)
		updates(&g, tid);
	for (i = 0; i < words; i++)
		errors += g.t[i] != i;
	snprintf(why, sizeof(why), "%llu of %llu words wrong (at most 1%% allowed)",
		 (unsigned long long)errors, (unsigned long long)words);
	wl_finish(&w, errors * 100 <= words, why, secs,
		  (double)g.per_thread * w.threads, "updates");
	return 0;
}
