// SPDX-License-Identifier: GPL-2.0-only
/*
 * BTree: random point lookups in a large in-memory B+-tree, the "BTree"
 * workload of Mitosis (Achermann et al., ASPLOS 2020: lookups
 * in a B+-tree index far larger than the TLB's reach). The tree is the
 * textbook B+-tree (Bayer and McCreight, "Organization and maintenance of
 * large ordered indexes", Acta Informatica 1972; Comer, "The ubiquitous
 * B-tree", ACM Computing Surveys 1979): values in the leaves, separator
 * keys in the inner nodes, here loaded bottom-up from sorted keys.
 *
 * Keys are the odd numbers 1, 3, ..., 2n - 1 with value mix64(key); the
 * lookups draw keys from 0 .. 2n, so about half miss. Check: every hit
 * returns mix64(key), and the hits are exactly the odd keys drawn
 * (counted apart from the tree).
 */
#include <stdio.h>

#include "common.h"

#define FANOUT 16

struct node {
	int n, leaf;
	uint64_t key[FANOUT];	/* inner: key[i] is the smallest key under child i */
	union {
		struct node *child[FANOUT];
		uint64_t val[FANOUT];
	};
};

struct btree {
	struct node *root;
	uint64_t nkeys, lookups, seed;
	uint64_t hits[256], expect[256], wrong[256];
};

/* Build one level above @lvl (@n nodes) from the pool at @pool. */
static struct node *level_up(struct node *lvl, uint64_t n, struct node *pool, uint64_t *made)
{
	uint64_t i, m = 0;

	for (i = 0; i < n; i += FANOUT, m++) {
		struct node *p = &pool[m];
		int j;

		p->leaf = 0;
		for (j = 0; j < FANOUT && i + j < n; j++) {
			p->child[j] = &lvl[i + j];
			p->key[j] = lvl[i + j].key[0];
		}
		p->n = j;
	}
	*made = m;
	return pool;
}

static uint64_t lookup(const struct node *p, uint64_t k, int *found)
{
	int i;

	while (!p->leaf) {
		for (i = 1; i < p->n && p->key[i] <= k; i++)
			;
		p = p->child[i - 1];
	}
	for (i = 0; i < p->n; i++)
		if (p->key[i] == k) {
			*found = 1;
			return p->val[i];
		}
	*found = 0;
	return 0;
}

static void work(int tid, int nthreads, void *arg)
{
	struct btree *b = arg;
	uint64_t s = b->seed * 7919 + tid, i, n = b->lookups / nthreads;
	uint64_t hits = 0, expect = 0, wrong = 0;

	for (i = 0; i < n; i++) {
		uint64_t k = rng_next(&s) % (2 * b->nkeys + 1), v;
		int found;

		v = lookup(b->root, k, &found);
		expect += k & 1;
		hits += found;
		wrong += found && v != mix64(k);
	}
	b->hits[tid] = hits;
	b->expect[tid] = expect;
	b->wrong[tid] = wrong;
}

int main(int argc, char **argv)
{
	struct wl w;
	struct btree b = { 0 };
	struct node *pool, *lvl;
	uint64_t nodes, leaves, i, made, n, hits = 0, expect = 0, wrong = 0;
	double secs;
	char why[160];
	int t;

	wl_init(&w, "btree", argc, argv);
	if (wl_threads(&w) > 256)
		w.threads = 256;
	/* leaves full; inner levels add about 1/15 */
	nodes = (w.mb << 20) / sizeof(struct node);
	leaves = nodes * (FANOUT - 1) / FANOUT;
	b.nkeys = leaves * FANOUT;
	wl_place_build(&w);
	pool = wl_alloc(&w, nodes * sizeof(struct node) + 64 * sizeof(struct node));
	for (i = 0; i < b.nkeys; i++) {
		struct node *l = &pool[i / FANOUT];

		l->leaf = 1;
		l->key[i % FANOUT] = 2 * i + 1;
		l->val[i % FANOUT] = mix64(2 * i + 1);
		l->n = i % FANOUT + 1;
	}
	lvl = pool;
	n = leaves;
	made = leaves;
	for (i = leaves; n > 1; i += made) {
		lvl = level_up(lvl, n, pool + i, &made);
		n = made;
	}
	b.root = lvl;
	b.seed = w.seed;
	b.lookups = w.ops ? w.ops : 4 * b.nkeys;
	secs = wl_run(&w, work, &b);
	for (t = 0; t < w.threads; t++) {
		hits += b.hits[t];
		expect += b.expect[t];
		wrong += b.wrong[t];
	}
	snprintf(why, sizeof(why), "%llu hits for %llu present keys drawn, %llu wrong values",
		 (unsigned long long)hits, (unsigned long long)expect, (unsigned long long)wrong);
	wl_finish(&w, hits == expect && !wrong, why, secs,
		  (double)(b.lookups / w.threads) * w.threads, "lookups");
	return 0;
}
