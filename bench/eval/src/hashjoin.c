// SPDX-License-Identifier: GPL-2.0-only
/*
 * HashJoin: the probe phase of a no-partitioning hash join, the
 * "HashJoin" workload of Mitosis (Achermann et al., ASPLOS 2020), after
 * the join studied by Blanas, Li and Patel ("Design and evaluation of main
 * memory hash join algorithms for multi-core CPUs", SIGMOD 2011) and
 * Balkesen et al. ("Main-memory hash joins on multi-core CPUs: tuning to
 * the underlying hardware", ICDE 2013): one shared hash table is built
 * over the inner relation R, then the outer relation S is scanned and each
 * of its keys probed in the table.
 *
 * R: keys 1..n in random order, payload mix64(key); open addressing with
 * linear probing, twice as many slots as tuples. S: keys drawn from
 * 1..2n, so about half find a partner. Check: the matches and the sum of
 * their payloads equal what S's keys alone say they must be (computed
 * when S is generated, without the table).
 */
#include <stdio.h>

#include "common.h"

struct slot {
	uint64_t key, payload;
};

struct join {
	struct slot *table;
	uint64_t mask, *s, ns;
	uint64_t matches[256], sum[256];
};

static uint64_t hash(uint64_t k)
{
	return k * 0x9e3779b97f4a7c15ULL;
}

static void work(int tid, int nthreads, void *arg)
{
	struct join *j = arg;
	uint64_t from = j->ns * tid / nthreads, to = j->ns * (tid + 1) / nthreads;
	uint64_t i, matches = 0, sum = 0;

	for (i = from; i < to; i++) {
		uint64_t k = j->s[i], h = hash(k) & j->mask;

		while (j->table[h].key && j->table[h].key != k)
			h = (h + 1) & j->mask;
		if (j->table[h].key == k) {
			matches++;
			sum += j->table[h].payload;
		}
	}
	j->matches[tid] = matches;
	j->sum[tid] = sum;
}

int main(int argc, char **argv)
{
	struct wl w;
	struct join j = { 0 };
	uint64_t nr, slots = 1, i, *r, seed, want_m = 0, want_sum = 0, m = 0, sum = 0;
	double secs;
	char why[160];
	int t;

	wl_init(&w, "hashjoin", argc, argv);
	if (wl_threads(&w) > 256)
		w.threads = 256;
	/* per R tuple: 2 slots (32 B), its key in R (8 B), 2 S keys (16 B) */
	nr = (w.mb << 20) / 56;
	while (slots < 2 * nr)
		slots *= 2;
	j.ns = w.ops ? w.ops : 2 * nr;
	seed = w.seed;
	wl_place_build(&w);
	j.table = wl_alloc(&w, slots * sizeof(struct slot));
	j.mask = slots - 1;
	r = wl_alloc(&w, nr * sizeof(uint64_t));
	j.s = wl_alloc(&w, j.ns * sizeof(uint64_t));
	for (i = 0; i < nr; i++)
		r[i] = i + 1;
	for (i = nr - 1; i > 0; i--) {	/* Fisher-Yates */
		uint64_t k = rng_next(&seed) % (i + 1), x = r[i];

		r[i] = r[k];
		r[k] = x;
	}
	for (i = 0; i < nr; i++) {	/* build */
		uint64_t h = hash(r[i]) & j.mask;

		while (j.table[h].key)
			h = (h + 1) & j.mask;
		j.table[h] = (struct slot){ r[i], mix64(r[i]) };
	}
	for (i = 0; i < j.ns; i++) {
		j.s[i] = 1 + rng_next(&seed) % (2 * nr);
		if (j.s[i] <= nr) {
			want_m++;
			want_sum += mix64(j.s[i]);
		}
	}
	secs = wl_run(&w, work, &j);
	for (t = 0; t < w.threads; t++) {
		m += j.matches[t];
		sum += j.sum[t];
	}
	snprintf(why, sizeof(why), "%llu matches for %llu expected, payload sum %s",
		 (unsigned long long)m, (unsigned long long)want_m,
		 sum == want_sum ? "right" : "wrong");
	wl_finish(&w, m == want_m && sum == want_sum, why, secs, (double)j.ns, "probes");
	return 0;
}
