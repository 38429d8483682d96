// SPDX-License-Identifier: GPL-2.0
/*
 * Threads of one process share one CPU, each steered to another node's
 * copy of the page tables, and switch among themselves while they
 * re-steer, map, write, protect and unmap memory; in one case another
 * thread turns replication off and on meanwhile. Each thread checks the
 * tree its CPU walks (debugfs pgtable_repl/cr3) after it steers and after
 * every switch away and back, and checks that its memory holds what it
 * wrote, reads zeros where it dropped pages and faults where it is
 * read-only. In another case a second process shares the CPU, so that
 * the threads also come back from another mm to an ASID that cached
 * another thread's tree. Meant for a CPU with PCID (scripts/bochs-run.sh),
 * where switch_mm_irqs_off() chooses between trees of one mm and their
 * ASIDs; the debug kernel checks each of those choices at the CR3 write.
 *
 * PCID_STRESS_SECONDS (default 20) bounds each case.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef PR_SET_PGTABLE_REPL_NODE
#define PR_SET_PGTABLE_REPL		100
#define PR_SET_PGTABLE_REPL_NODE	102
#endif

#define CR3_PATH	"/sys/kernel/debug/pgtable_repl/cr3"
#define HAS_MEMORY	"/sys/devices/system/node/has_memory"
#define NR_WORKERS	4
#define REGION_PAGES	16
#define PAGE		4096UL
#define MAX_NODES	8

struct stress;

struct worker {
	struct stress *s;
	pthread_t thread;
	int idx;
	long iters, tree_checks, failures;
	char first[256];		/* the first failure, for the log */
};

struct stress {
	int cpu, toggler_cpu;
	int nodes[MAX_NODES], nr_nodes;
	int toggle;
	int neighbour;			/* another process on the CPU */
	unsigned long seq;		/* odd while replication changes */
	int on;				/* replication on; valid at an even seq */
	int stop;
	long toggles;
	struct worker w[NR_WORKERS];
	pthread_t toggler;
};

static __thread sigjmp_buf fault_jmp;
static __thread volatile sig_atomic_t fault_expected;

static void segv_handler(int sig)
{
	if (fault_expected)
		siglongjmp(fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* The nodes with memory, from "0-1" or "0,2" */
static int read_nodes(int *nodes)
{
	char buf[128] = "", *p = buf;
	int lo, hi, n, count = 0;
	FILE *f = fopen(HAS_MEMORY, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	while (sscanf(p, "%d%n", &lo, &n) == 1) {
		p += n;
		hi = lo;
		if (*p == '-' && sscanf(p + 1, "%d%n", &hi, &n) == 1)
			p += 1 + n;
		for (; lo <= hi && count < MAX_NODES; lo++)
			nodes[count++] = lo;
		if (*p++ != ',')
			break;
	}
	return count;
}

/* The tree this thread's CPU walks now: its node, and whether a copy. */
static int read_tree(int *node, int *is_copy)
{
	char buf[64] = "", kind[16];
	FILE *f = fopen(CR3_PATH, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%d %15s", node, kind) == 2;
	fclose(f);
	if (!ok)
		return -EIO;
	*is_copy = !strcmp(kind, "copy");
	return 0;
}

static void failed(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->failures++) {
		va_start(ap, fmt);
		vsnprintf(w->first, sizeof(w->first), fmt, ap);
		va_end(ap);
	}
}

static unsigned long seq_stable(struct stress *s)
{
	unsigned long seq;

	while ((seq = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST)) & 1)
		sched_yield();
	return seq;
}

/*
 * The tree must be node @want's copy (or, replication off, the primary),
 * unless replication changed since @seq: then nothing can be said.
 */
static void check_tree(struct worker *w, unsigned long seq, int on, int want,
		       const char *when)
{
	int node = -1, is_copy = 0, err = read_tree(&node, &is_copy);

	if (__atomic_load_n(&w->s->seq, __ATOMIC_SEQ_CST) != seq)
		return;
	w->tree_checks++;
	if (err)
		failed(w, "reading %s: %s", CR3_PATH, strerror(-err));
	else if (on && (!is_copy || node != want))
		failed(w, "%s: walks node %d's %s, steered to node %d's copy",
		       when, node, is_copy ? "copy" : "primary", want);
	else if (!on && is_copy)
		failed(w, "%s: walks node %d's copy with replication off", when, node);
}

static unsigned long pattern(struct worker *w, unsigned long gen, size_t page)
{
	return ((unsigned long)w->idx << 56) ^ (gen << 20) ^ page ^ 0x5a5a0000UL;
}

static void fill(struct worker *w, unsigned long *p, unsigned long gen)
{
	size_t i;

	for (i = 0; i < REGION_PAGES; i++)
		p[i * PAGE / sizeof(long)] = pattern(w, gen, i);
}

static void expect(struct worker *w, unsigned long *p, unsigned long gen,
		   size_t from, size_t to, int zero, const char *when)
{
	size_t i;
	unsigned long got, want;

	for (i = from; i < to; i++) {
		got = p[i * PAGE / sizeof(long)];
		want = zero ? 0 : pattern(w, gen, i);
		if (got != want)
			failed(w, "%s: page %zu holds %#lx, not %#lx", when, i, got, want);
	}
}

/* A write to read-only @p must fault. */
static void expect_fault(struct worker *w, unsigned long *p)
{
	if (!sigsetjmp(fault_jmp, 1)) {
		fault_expected = 1;
		*(volatile unsigned long *)p = 1;
		fault_expected = 0;
		failed(w, "a write to a read-only page went through");
		return;
	}
	fault_expected = 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	size_t len = REGION_PAGES * PAGE;
	unsigned long seq, gen = 0, *p;
	int on, want;

	if (pin(s->cpu)) {
		failed(w, "cannot pin to CPU %d", s->cpu);
		return NULL;
	}
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		gen++;
		/* Steer to the next node, round the nodes, off by one per thread. */
		seq = seq_stable(s);
		on = __atomic_load_n(&s->on, __ATOMIC_SEQ_CST);
		want = s->nodes[(w->idx + w->iters) % s->nr_nodes];
		if (on && prctl(PR_SET_PGTABLE_REPL_NODE, want, 0, 0, 0)) {
			if (__atomic_load_n(&s->seq, __ATOMIC_SEQ_CST) == seq)
				failed(w, "steering to node %d: %s", want, strerror(errno));
			continue;
		}
		check_tree(w, seq, on, want, "after steering");

		/* A fresh mapping reads zeros, then what this thread wrote. */
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			failed(w, "mmap: %s", strerror(errno));
			break;
		}
		expect(w, p, gen, 0, REGION_PAGES, 1, "new mapping");
		fill(w, p, gen);
		sched_yield();	/* the other threads walk other trees */
		check_tree(w, seq, on, want, "after yielding");
		expect(w, p, gen, 0, REGION_PAGES, 0, "after yielding");

		/* Read-only: reads work, writes fault; then writable again. */
		mprotect(p, len, PROT_READ);
		expect(w, p, gen, 0, REGION_PAGES, 0, "read-only");
		expect_fault(w, p + (gen % REGION_PAGES) * PAGE / sizeof(long));
		mprotect(p, len, PROT_READ | PROT_WRITE);
		fill(w, p, gen + 1);
		sched_yield();
		check_tree(w, seq, on, want, "after yielding again");
		expect(w, p, gen + 1, 0, REGION_PAGES, 0, "writable again");

		/* Dropped pages read zeros, the others keep their data. */
		madvise(p, len / 2, MADV_DONTNEED);
		expect(w, p, 0, 0, REGION_PAGES / 2, 1, "after MADV_DONTNEED");
		expect(w, p, gen + 1, REGION_PAGES / 2, REGION_PAGES, 0, "kept half");
		/* Now and then all threads sleep: the CPU idles, the mm stays lazily. */
		if (!(w->iters % 8))
			usleep(200);
		check_tree(w, seq, on, want, "after sleeping");
		munmap(p, len);
		w->iters++;
	}
	return NULL;
}

static void *toggler_fn(void *arg)
{
	struct stress *s = arg;
	int on;

	pin(s->toggler_cpu);
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		on = !__atomic_load_n(&s->on, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		if (prctl(PR_SET_PGTABLE_REPL, on, 0, 0, 0) == 0)
			__atomic_store_n(&s->on, on, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&s->seq, 1, __ATOMIC_SEQ_CST);
		s->toggles++;
		usleep(2000 + (s->toggles % 7) * 1000);
	}
	return NULL;
}

FIXTURE(stress)
{
	struct stress s;
};

FIXTURE_VARIANT(stress)
{
	int toggle;
	int neighbour;
};

FIXTURE_VARIANT_ADD(stress, steered_threads_share_a_cpu) { .toggle = 0 };
FIXTURE_VARIANT_ADD(stress, replication_toggled_under_them) { .toggle = 1 };
FIXTURE_VARIANT_ADD(stress, another_process_between_them) { .neighbour = 1 };

FIXTURE_SETUP(stress)
{
	int cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(&self->s, 0, sizeof(self->s));
	self->s.nr_nodes = read_nodes(self->s.nodes);
	if (self->s.nr_nodes < 2)
		SKIP(return, "needs 2 or more NUMA nodes with memory");
	if (access(CR3_PATH, R_OK))
		SKIP(return, "no %s (CONFIG_PGTABLE_REPLICATION, debugfs)", CR3_PATH);
	/* The workers on CPU 0; the toggler elsewhere if it can: remote IPIs. */
	self->s.cpu = 0;
	self->s.toggler_cpu = cpus > 1 ? 1 : 0;
	self->s.toggle = variant->toggle;
	self->s.neighbour = variant->neighbour;
	ASSERT_EQ(0, prctl(PR_SET_PGTABLE_REPL, 1, 0, 0, 0));
	self->s.on = 1;
	signal(SIGSEGV, segv_handler);
}

FIXTURE_TEARDOWN(stress)
{
	prctl(PR_SET_PGTABLE_REPL, 0, 0, 0, 0);
}

TEST_F_TIMEOUT(stress, run, 600)
{
	const char *env = getenv("PCID_STRESS_SECONDS");
	int secs = env ? atoi(env) : 20;
	struct stress *s = &self->s;
	long iters = 0, checks = 0, failures = 0;
	pid_t neighbour = 0;
	int i;

	if (s->neighbour) {
		neighbour = fork();
		ASSERT_LE(0, neighbour);
		if (!neighbour) {
			pin(s->cpu);
			for (;;)
				sched_yield();
		}
	}
	for (i = 0; i < NR_WORKERS; i++) {
		s->w[i].s = s;
		s->w[i].idx = i;
		ASSERT_EQ(0, pthread_create(&s->w[i].thread, NULL, worker_fn, &s->w[i]));
	}
	if (s->toggle)
		ASSERT_EQ(0, pthread_create(&s->toggler, NULL, toggler_fn, s));
	sleep(secs > 0 ? secs : 1);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	if (s->toggle)
		pthread_join(s->toggler, NULL);
	if (neighbour > 0) {
		kill(neighbour, SIGKILL);
		waitpid(neighbour, NULL, 0);
	}
	for (i = 0; i < NR_WORKERS; i++) {
		pthread_join(s->w[i].thread, NULL);
		iters += s->w[i].iters;
		checks += s->w[i].tree_checks;
		failures += s->w[i].failures;
		if (s->w[i].failures)
			TH_LOG("thread %d: %ld failures, the first: %s",
			       i, s->w[i].failures, s->w[i].first);
	}
	TH_LOG("%d threads on CPU %d, %d nodes, %ld iterations, %ld tree checks, %ld toggles",
	       NR_WORKERS, s->cpu, s->nr_nodes, iters, checks, s->toggles);
	EXPECT_EQ(0, failures);
	/* Not vacuous: the threads ran and the checks were conclusive. */
	EXPECT_LE(NR_WORKERS * 2, iters);
	EXPECT_LE(NR_WORKERS * 2, checks);
	if (s->toggle)
		EXPECT_LE(4, s->toggles);
}

TEST_HARNESS_MAIN
