// SPDX-License-Identifier: GPL-2.0-only
/*
 * Graph BFS in the manner of the Graph500 benchmark (graph500.org,
 * "Graph 500 benchmark specification", kernel 2; Murphy et al.,
 * "Introducing the Graph 500", Cray User Group 2010): a Kronecker graph
 * (R-MAT, Chakrabarti, Zhan and Faloutsos, SDM 2004) of 2^scale vertices
 * and 16 edges per vertex, initiator probabilities A = 0.57, B = 0.19,
 * C = 0.19, vertex labels randomly permuted, stored undirected as
 * compressed sparse rows; breadth-first searches from random roots of
 * degree at least one build parent trees, and the rate is traversed edges
 * per second (TEPS) over the roots' components.
 *
 * Each thread runs whole searches from its own roots (the specification's
 * searches are one after the other, each parallel inside). Check, the
 * specification's validation on each thread's last tree: the root is its
 * own parent, every tree edge is a graph edge, tree levels follow the
 * parents without cycles, and every graph edge joins two reached vertices
 * whose levels differ by at most one, or two unreached ones.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#define EDGEFACTOR 16
#define NONE UINT32_MAX

struct graph {
	uint64_t nv, roots, seed;
	uint64_t *off;		/* [nv + 1] */
	uint32_t *adj;		/* [off[nv]] */
	uint32_t **parent, **queue;	/* per thread [nv] */
	uint32_t last_root[256];
	uint64_t edges[256];
};

static uint64_t bfs(struct graph *g, uint32_t root, uint32_t *parent, uint32_t *queue)
{
	uint64_t head = 0, tail = 0, i, edges = 0;

	for (i = 0; i < g->nv; i++)
		parent[i] = NONE;
	parent[root] = root;
	queue[tail++] = root;
	while (head < tail) {
		uint32_t u = queue[head++];

		edges += g->off[u + 1] - g->off[u];
		for (i = g->off[u]; i < g->off[u + 1]; i++) {
			uint32_t v = g->adj[i];

			if (parent[v] == NONE) {
				parent[v] = u;
				queue[tail++] = v;
			}
		}
	}
	return edges / 2;
}

static uint32_t pick_root(const struct graph *g, uint64_t *s)
{
	uint32_t r;

	do
		r = rng_next(s) % g->nv;
	while (g->off[r + 1] == g->off[r]);
	return r;
}

static void work(int tid, int nthreads, void *arg)
{
	struct graph *g = arg;
	uint64_t s = g->seed * 15485863 + tid, i, n = g->roots / nthreads, edges = 0;
	uint32_t r = 0;

	for (i = 0; i < n; i++) {
		r = pick_root(g, &s);
		edges += bfs(g, r, g->parent[tid], g->queue[tid]);
	}
	g->last_root[tid] = r;
	g->edges[tid] = edges;
}

static int has_edge(const struct graph *g, uint32_t u, uint32_t v)
{
	uint64_t i;

	for (i = g->off[u]; i < g->off[u + 1]; i++)
		if (g->adj[i] == v)
			return 1;
	return 0;
}

/* Graph500's validation of one tree; 0 if it holds. @lvl is scratch. */
static const char *validate(const struct graph *g, uint32_t root, const uint32_t *parent,
			    uint32_t *lvl)
{
	uint64_t v, i, depth;

	if (parent[root] != root)
		return "root is not its own parent";
	for (v = 0; v < g->nv; v++) {
		uint32_t u = v;

		if (parent[v] == NONE) {
			lvl[v] = NONE;
			continue;
		}
		if (v != root && !has_edge(g, parent[v], v))
			return "a tree edge is no graph edge";
		for (depth = 0; u != root; depth++) {	/* walk up: no cycle */
			if (depth > g->nv || parent[u] == NONE)
				return "parents form a cycle or leave the tree";
			u = parent[u];
		}
		lvl[v] = depth;
	}
	for (v = 0; v < g->nv; v++)
		for (i = g->off[v]; i < g->off[v + 1]; i++) {
			uint32_t u = g->adj[i];

			if ((lvl[u] == NONE) != (lvl[v] == NONE))
				return "an edge joins a reached and an unreached vertex";
			if (lvl[u] != NONE && (lvl[u] > lvl[v] + 1 || lvl[v] > lvl[u] + 1))
				return "an edge spans more than one level";
		}
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl w;
	struct graph g = { 0 };
	uint64_t ne, i, s, edges = 0, scale = 1, *deg;
	uint32_t (*el)[2], *perm;
	const char *bad = NULL;
	double secs;
	int t, bit;

	wl_init(&w, "bfs", argc, argv);
	if (wl_threads(&w) > 256)
		w.threads = 256;
	/* per vertex: 2 x 16 edges x 2 x 4 B in the edge list and the rows */
	while ((2ULL << scale) * (2 * EDGEFACTOR * 8 + 8) <= w.mb << 20)
		scale++;
	g.nv = 1ULL << scale;
	ne = g.nv * EDGEFACTOR;
	g.seed = s = w.seed;
	wl_place_build(&w);
	el = wl_alloc(&w, ne * sizeof(*el));
	perm = wl_alloc(&w, g.nv * sizeof(uint32_t));
	deg = wl_alloc(&w, (g.nv + 1) * sizeof(uint64_t));
	for (i = 0; i < g.nv; i++)
		perm[i] = i;
	for (i = g.nv - 1; i > 0; i--) {
		uint64_t k = rng_next(&s) % (i + 1);
		uint32_t x = perm[i];

		perm[i] = perm[k];
		perm[k] = x;
	}
	for (i = 0; i < ne; i++) {	/* R-MAT: one quadrant per bit */
		uint32_t u = 0, v = 0;

		for (bit = 0; bit < (int)scale; bit++) {
			double p = (rng_next(&s) >> 11) * 0x1p-53;

			u = u << 1 | (p >= 0.57 + 0.19);		/* C or D */
			v = v << 1 | (p >= 0.57 && (p < 0.76 || p >= 0.95));	/* B or D */
		}
		el[i][0] = perm[u];
		el[i][1] = perm[v];
	}
	/* compressed sparse rows, both directions, no self loops */
	for (i = 0; i < ne; i++)
		if (el[i][0] != el[i][1]) {
			deg[el[i][0]]++;
			deg[el[i][1]]++;
		}
	g.off = wl_alloc(&w, (g.nv + 1) * sizeof(uint64_t));
	for (i = 0; i < g.nv; i++)
		g.off[i + 1] = g.off[i] + deg[i];
	g.adj = wl_alloc(&w, g.off[g.nv] * sizeof(uint32_t));
	for (i = 0; i < g.nv; i++)
		deg[i] = g.off[i];
	for (i = 0; i < ne; i++)
		if (el[i][0] != el[i][1]) {
			g.adj[deg[el[i][0]]++] = el[i][1];
			g.adj[deg[el[i][1]]++] = el[i][0];
		}
	g.parent = calloc(w.threads, sizeof(*g.parent));
	g.queue = calloc(w.threads, sizeof(*g.queue));
	for (t = 0; t < w.threads; t++) {
		g.parent[t] = wl_alloc(&w, g.nv * sizeof(uint32_t));
		g.queue[t] = wl_alloc(&w, g.nv * sizeof(uint32_t));
	}
	g.roots = w.ops ? w.ops : 64;	/* the specification's 64 searches */
	if (g.roots < (uint64_t)w.threads)
		g.roots = w.threads;
	secs = wl_run(&w, work, &g);
	for (t = 0; t < w.threads; t++) {
		edges += g.edges[t];
		if (!bad)
			bad = validate(&g, g.last_root[t], g.parent[t], perm);
	}
	wl_finish(&w, !bad, bad, secs, (double)edges, "edges");
	return 0;
}
