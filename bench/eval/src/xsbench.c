// SPDX-License-Identifier: GPL-2.0-only
/*
 * XSBench-style lookups: the macroscopic cross-section lookup kernel of
 * Monte Carlo neutron transport, as defined by XSBench (Tramm, Siegel,
 * Islam and Schulz, "XSBench - the development and verification of a
 * performance abstraction for Monte Carlo reactor analysis", PHYSOR 2014)
 * with its "unionized energy grid" (Leppanen, "Two practical methods for
 * unionized energy grid construction in continuous-energy Monte Carlo
 * neutron transport calculation", Annals of Nuclear Energy 2009).
 *
 * Each nuclide has a sorted grid of energies with five cross sections at
 * each; the unionized grid holds every nuclide's energies, sorted, and for
 * each of them the index into every nuclide's grid. A lookup draws an
 * energy and a material, binary-searches the unionized grid once, and for
 * every nuclide of the material interpolates its five cross sections and
 * adds them weighted by the nuclide's concentration. The 12 materials have
 * the nuclide counts of XSBench's "small" problem (fuel 34, then 5, 4, 4,
 * 27, 21, 21, 21, 21, 21, 9, 9) over 68 nuclides.
 *
 * Check: every 16th lookup is done again without the unionized grid (a
 * binary search in each nuclide's own grid) and must give the same five
 * sums, bit for bit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

#define NUCLIDES 68
#define MATERIALS 12
#define XS 5

struct point {
	double energy, xs[XS];
};

struct xsb {
	uint64_t gridpoints, nunion, lookups, seed;
	struct point *grid;		/* [nuclide][gridpoint] */
	double *union_e;		/* [nunion] */
	uint32_t *union_idx;		/* [nunion][nuclide] */
	int nnucs[MATERIALS], nucs[MATERIALS][NUCLIDES];
	double conc[MATERIALS][NUCLIDES];
	uint64_t checked[256], wrong[256];
	double sink[256];
};

static const int small_counts[MATERIALS] = { 34, 5, 4, 4, 27, 21, 21, 21, 21, 21, 9, 9 };

static int cmp_point(const void *a, const void *b)
{
	double x = ((const struct point *)a)->energy, y = ((const struct point *)b)->energy;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The largest i in [0, n - 2] with e(i) <= energy (0 if none). */
#define SEARCH(e, n, energy) ({						\
	uint64_t lo_ = 0, hi_ = (n) - 1;				\
	while (hi_ - lo_ > 1) {						\
		uint64_t mid_ = (lo_ + hi_) / 2;			\
		if (e(mid_) <= (energy)) lo_ = mid_; else hi_ = mid_;	\
	}								\
	lo_; })

static void macro_xs(const struct xsb *x, int mat, double energy, int use_union, double out[XS])
{
	uint64_t u = 0;
	int k, j;

#define UE(i) x->union_e[i]
	if (use_union)
		u = SEARCH(UE, x->nunion, energy);
	for (k = 0; k < XS; k++)
		out[k] = 0;
	for (j = 0; j < x->nnucs[mat]; j++) {
		int nuc = x->nucs[mat][j];
		const struct point *g = x->grid + nuc * x->gridpoints, *lo, *hi;
		uint64_t i;
		double f;

#define NE(i) g[i].energy
		i = use_union ? x->union_idx[u * NUCLIDES + nuc] : SEARCH(NE, x->gridpoints, energy);
		lo = &g[i];
		hi = &g[i + 1];
		f = (hi->energy - energy) / (hi->energy - lo->energy);
		for (k = 0; k < XS; k++)
			out[k] += x->conc[mat][j] * (hi->xs[k] - f * (hi->xs[k] - lo->xs[k]));
	}
}

static void work(int tid, int nthreads, void *arg)
{
	struct xsb *x = arg;
	uint64_t s = x->seed * 104729 + tid, i, n = x->lookups / nthreads, checked = 0, wrong = 0;
	double a[XS], b[XS], sink = 0;
	int k;

	for (i = 0; i < n; i++) {
		double energy = (rng_next(&s) >> 11) * 0x1p-53;
		int mat = rng_next(&s) % MATERIALS;

		macro_xs(x, mat, energy, 1, a);
		sink += a[0];
		if (i % 16 == 0) {
			macro_xs(x, mat, energy, 0, b);
			checked++;
			for (k = 0; k < XS; k++)
				if (a[k] != b[k]) {
					wrong++;
					break;
				}
		}
	}
	x->checked[tid] = checked;
	x->wrong[tid] = wrong;
	x->sink[tid] = sink;
}

int main(int argc, char **argv)
{
	struct wl w;
	struct xsb x = { 0 };
	uint64_t s, i, u, checked = 0, wrong = 0;
	double secs;
	char why[128];
	int m, j, n, k;

	wl_init(&w, "xsbench", argc, argv);
	if (wl_threads(&w) > 256)
		w.threads = 256;
	/* per gridpoint of a nuclide: 48 B of it, and in the unionized grid
	 * 8 B of energy and 4 B per nuclide of index */
	x.gridpoints = (w.mb << 20) / (NUCLIDES * (48 + 8 + 4 * NUCLIDES));
	if (x.gridpoints < 4)
		x.gridpoints = 4;
	x.nunion = x.gridpoints * NUCLIDES;
	x.seed = s = w.seed;
	wl_place_build(&w);
	x.grid = wl_alloc(&w, x.nunion * sizeof(struct point));
	x.union_e = wl_alloc(&w, x.nunion * sizeof(double));
	x.union_idx = wl_alloc(&w, x.nunion * NUCLIDES * sizeof(uint32_t));
	for (i = 0; i < x.nunion; i++) {
		x.grid[i].energy = (rng_next(&s) >> 11) * 0x1p-53;
		for (k = 0; k < XS; k++)
			x.grid[i].xs[k] = (rng_next(&s) >> 11) * 0x1p-53;
	}
	for (n = 0; n < NUCLIDES; n++) {
		qsort(x.grid + n * x.gridpoints, x.gridpoints, sizeof(struct point), cmp_point);
		for (i = 0; i < x.gridpoints; i++)
			x.union_e[n * x.gridpoints + i] = x.grid[n * x.gridpoints + i].energy;
	}
	qsort(x.union_e, x.nunion, sizeof(double), cmp_double);
	/* each nuclide's index for each union energy, in one sweep per nuclide */
	for (n = 0; n < NUCLIDES; n++) {
		const struct point *g = x.grid + n * x.gridpoints;

		for (u = 0, i = 0; u < x.nunion; u++) {
			while (i + 2 < x.gridpoints && g[i + 1].energy <= x.union_e[u])
				i++;
			x.union_idx[u * NUCLIDES + n] = i;
		}
	}
	for (m = 0; m < MATERIALS; m++) {
		x.nnucs[m] = small_counts[m];
		for (j = 0; j < x.nnucs[m]; j++) {
			x.nucs[m][j] = rng_next(&s) % NUCLIDES;
			x.conc[m][j] = (rng_next(&s) >> 11) * 0x1p-53;
		}
	}
	x.lookups = w.ops ? w.ops : x.nunion;
	secs = wl_run(&w, work, &x);
	for (j = 0; j < w.threads; j++) {
		checked += x.checked[j];
		wrong += x.wrong[j];
	}
	snprintf(why, sizeof(why), "%llu of %llu checked lookups differ",
		 (unsigned long long)wrong, (unsigned long long)checked);
	wl_finish(&w, checked && !wrong, why, secs,
		  (double)(x.lookups / w.threads) * w.threads, "lookups");
	return 0;
}
