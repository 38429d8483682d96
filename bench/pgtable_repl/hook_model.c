// SPDX-License-Identifier: GPL-2.0-only
/*
 * How much the emulator inflates the cost of the replication write hooks.
 * pgtable_repl_bench can only run in a QEMU TCG guest here, where every
 * memory access is a soft-MMU lookup and a locked exchange a helper call,
 * so its ratios are not those of a real CPU. This program runs, in user
 * space, the instruction sequence mprotect() runs per PTE (a locked
 * exchange to clear the entry, a new value, a store) with the hooks of
 * arch/x86/include/asm/pgtable_repl.h modelled on it: the inline check
 * (direct-map range, the table's struct page, its pt_replica) and the
 * out-of-line walk of the copy ring (a plain store where no MMU can change
 * the copy entry). Run on the host and in the guest, it shows the same
 * code's ratios natively and under emulation, side by side in one run.
 * It models the hooks; it does not run them. To put the modelled cost
 * next to the real one, it also times mprotect() on the running kernel
 * over as many 4 KB pages (THP off for the region), and prints what the
 * hooks' added nanoseconds per PTE would be as a fraction of that.
 *
 * usage: hook_model [TABLES [ROUNDS]]   (TABLES of 512 entries, default 512)
 * prints, per round, ns per PTE for: off, key (check, no copies), 2 and 4
 * copies, and the kernel's mprotect; then the medians and ratios.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PTRS		512
#define PRESENT		0x001UL
#define RW		0x002UL
#define ACCESSED	0x020UL
#define DIRTY		0x040UL
#define MAX_COPIES	4

/* The parts of struct page the hooks touch, at struct page's size. */
struct fake_ptdesc {
	unsigned long flags;
	struct fake_ptdesc *pt_replica;
	unsigned long pad[6];
};

/* Globals the kernel's check loads: page_offset_base, high_memory, vmemmap. */
static char *volatile direct_map;
static char *volatile high_mem;
static struct fake_ptdesc *volatile vmemmap;
static volatile int key_on;

static inline struct fake_ptdesc *virt_to_ptdesc(void *p)
{
	return &vmemmap[((char *)p - direct_map) >> PAGE_SHIFT];
}

static inline int has_copies(void *entry)
{
	unsigned long off = (char *)entry - direct_map;

	if (off >= (unsigned long)(high_mem - direct_map))
		return 0;
	return __atomic_load_n(&virt_to_ptdesc(entry)->pt_replica, __ATOMIC_RELAXED) != NULL;
}

static inline unsigned long *slot(struct fake_ptdesc *copy, unsigned long off)
{
	return (unsigned long *)(direct_map + ((copy - vmemmap) << PAGE_SHIFT) + off);
}

static inline int hw_stable(unsigned long v)
{
	return !(v & PRESENT) || ((v & ACCESSED) && ((v & DIRTY) || !(v & RW)));
}

static __attribute__((noinline)) unsigned long repl_xchg(void *e, unsigned long old, unsigned long val)
{
	struct fake_ptdesc *head = virt_to_ptdesc(e), *c;
	unsigned long off = (unsigned long)e & (PAGE_SIZE - 1), *s, prev;

	for (c = head->pt_replica; c != head; c = c->pt_replica) {
		s = slot(c, off);
		prev = __atomic_load_n(s, __ATOMIC_RELAXED);
		if (hw_stable(prev))
			__atomic_store_n(s, val, __ATOMIC_RELAXED);
		else
			prev = __atomic_exchange_n(s, val, __ATOMIC_SEQ_CST);
		if (old & PRESENT)
			old |= prev & (ACCESSED | DIRTY);
	}
	return old;
}

static __attribute__((noinline)) void repl_set(void *e, unsigned long val)
{
	struct fake_ptdesc *head = virt_to_ptdesc(e), *c;
	unsigned long off = (unsigned long)e & (PAGE_SIZE - 1);

	for (c = head->pt_replica; c != head; c = c->pt_replica)
		__atomic_store_n(slot(c, off), val, __ATOMIC_RELAXED);
}

/*
 * One mprotect pass over the tables: clear, modify, commit every entry.
 * The kernel without the key compiles the hooks to a no-op jump: pass_off
 * has no hook code at all; pass_hooks tests a flag where the kernel has
 * the patched jump.
 */
static inline __attribute__((always_inline)) void pass_body(unsigned long *pte, long n,
							      unsigned long flip, const int hooks)
{
	for (long i = 0; i < n; i++) {
		unsigned long old = __atomic_exchange_n(&pte[i], 0, __ATOMIC_SEQ_CST);

		if (hooks && __builtin_expect(key_on, 0) && has_copies(&pte[i]))
			old = repl_xchg(&pte[i], old, 0);
		old ^= flip;
		__atomic_store_n(&pte[i], old, __ATOMIC_RELAXED);
		if (hooks && __builtin_expect(key_on, 0) && has_copies(&pte[i]))
			repl_set(&pte[i], old);
	}
}

static __attribute__((noinline)) void pass_off(unsigned long *pte, long n, unsigned long flip)
{
	pass_body(pte, n, flip, 0);
}

static __attribute__((noinline)) void pass_hooks(unsigned long *pte, long n, unsigned long flip)
{
	pass_body(pte, n, flip, 1);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* ns per PTE of one mprotect() of @len bytes of touched 4 KB pages (RO, then RW). */
static double time_mprotect(char *buf, size_t len)
{
	double t0 = now_ns();

	if (mprotect(buf, len, PROT_READ) || mprotect(buf, len, PROT_READ | PROT_WRITE)) {
		perror("mprotect");
		exit(1);
	}
	return (now_ns() - t0) / (2.0 * (len >> PAGE_SHIFT));
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long tables = argc > 1 ? atol(argv[1]) : 512, rounds = argc > 2 ? atol(argv[2]) : 9;
	long pages = tables * (1 + MAX_COPIES), n = tables * PTRS;
	static const char *name[] = { "off", "key", "2 copies", "4 copies" };
	static const int copies[] = { 0, 0, 2, 4 };
	double *t[5], med[5];
	char *mem, *region;

	if (tables < 1 || rounds < 1) {
		fprintf(stderr, "usage: %s [TABLES [ROUNDS]]\n", argv[0]);
		return 2;
	}
	/* Primary tables first, then MAX_COPIES copies of each, all "direct mapped". */
	if (posix_memalign((void **)&mem, PAGE_SIZE, pages * PAGE_SIZE))
		return 1;
	memset(mem, 0, pages * PAGE_SIZE);
	direct_map = mem;
	high_mem = mem + pages * PAGE_SIZE;
	vmemmap = calloc(pages, sizeof(struct fake_ptdesc));
	for (int v = 0; v < 5; v++)
		t[v] = calloc(rounds, sizeof(double));
	region = mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!vmemmap || !t[4] || region == MAP_FAILED)
		return 1;
	madvise(region, n * PAGE_SIZE, MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++)
		region[i * PAGE_SIZE] = 1;
	for (long i = 0; i < n; i++)
		((unsigned long *)mem)[i] = (i << PAGE_SHIFT) | PRESENT | RW | ACCESSED | DIRTY;

	printf("# %ld tables (%ld PTEs), %ld rounds; ns per PTE per pass (clear + set)\n", tables, n, rounds);
	for (long r = 0; r < rounds; r++) {
		for (int v = 0; v < 4; v++) {
			/* Ring each primary table through its copies (none: NULL). */
			for (long k = 0; k < tables; k++) {
				struct fake_ptdesc *head = &vmemmap[k], *prev = head;

				for (int c = 0; c < copies[v]; c++) {
					struct fake_ptdesc *cp = &vmemmap[tables * (1 + c) + k];

					memcpy(slot(cp, 0), slot(head, 0), PAGE_SIZE);
					prev->pt_replica = cp;
					prev = cp;
				}
				prev->pt_replica = copies[v] ? head : NULL;
			}
			void (*fn)(unsigned long *, long, unsigned long) = v ? pass_hooks : pass_off;

			key_on = v > 0;
			fn((unsigned long *)mem, n, RW);	/* warm */
			double t0 = now_ns();

			fn((unsigned long *)mem, n, RW);
			fn((unsigned long *)mem, n, RW);
			t[v][r] = (now_ns() - t0) / (2.0 * n);
		}
		time_mprotect(region, n * PAGE_SIZE);	/* warm */
		t[4][r] = time_mprotect(region, n * PAGE_SIZE);
		printf("round %ld: off %.2f key %.2f 2copies %.2f 4copies %.2f mprotect %.2f\n",
		       r, t[0][r], t[1][r], t[2][r], t[3][r], t[4][r]);
	}
	for (int v = 0; v < 5; v++) {
		qsort(t[v], rounds, sizeof(double), cmp);
		med[v] = t[v][rounds / 2];
	}
	for (int v = 0; v < 4; v++)
		printf("median %-8s %7.2f ns  %.2fx\n", name[v], med[v], med[v] / med[0]);
	printf("per copy: 2 copies %.2f, 4 copies %.2f\n",
	       (med[2] / med[0] - 1) / 2, (med[3] / med[0] - 1) / 4);
	printf("median mprotect %.2f ns per PTE on this kernel\n", med[4]);
	printf("added by the modelled hooks, as a fraction of it: key %.2f, per copy %.2f (2 copies) %.2f (4 copies)\n",
	       (med[1] - med[0]) / med[4], (med[2] - med[0]) / 2 / med[4], (med[3] - med[0]) / 4 / med[4]);
	return 0;
}
