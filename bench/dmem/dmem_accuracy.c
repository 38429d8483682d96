// SPDX-License-Identifier: GPL-2.0-only
/*
 * The disaggregated-memory emulator's accuracy: for each number of touched
 * pages, latency, bandwidth and repay_late, the measured time of a fetch
 * against the model (latency + 4096 B / bandwidth), its own cost with no
 * delay, and the lateness of waits the emulator saw and made up.
 *
 * usage: dmem_accuracy [-p PAGES,...] [-l NS,...] [-b BYTES_PER_S,...]
 *                      [-m REPAY_LATE,...] [-r READS] [-k LOCAL_KB]
 * Run as root in a kernel with CONFIG_DMEM_EMULATOR; prints one
 * Markdown table row a setting.
 *
 * The pages are shared anonymous memory and the target emulates shmem
 * only, so that nothing but the measured reads is fetched. Each setting
 * touches PAGES pages (made local, then evicted in order), then reads up
 * to READS of them (default 5000), evenly spaced: each read is a fetch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define ROOT	"/sys/kernel/config/dmem_emul"
#define PAGE	4096UL

static char target[128];

static void die(const char *what)
{
	fprintf(stderr, "dmem_accuracy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void set_str(const char *name, const char *val)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", target, name);
	f = fopen(path, "w");
	if (!f || fputs(val, f) < 0 || fclose(f))
		die(path);
}

static void set(const char *name, long val)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", val);
	set_str(name, num);
}

static long stat_of(const char *name)
{
	char path[256], line[128];
	size_t len = strlen(name);
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats", target);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			val = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return val;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Fetch time of @reads of @pages touched pages: median, mean; fetches */
static long measure(long pages, long reads, unsigned long long *t,
		    unsigned long long *med, unsigned long long *mean)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long long sum = 0;
	long i, n = reads < pages ? reads : pages, before;

	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	before = stat_of("fetches");
	for (i = 0; i < n; i++) {
		char *q = p + (i * (pages / n)) * PAGE;
		unsigned long long t0 = now_ns();

		*(volatile char *)q;
		t[i] = now_ns() - t0;
		sum += t[i];
	}
	before = stat_of("fetches") - before;
	munmap(p, pages * PAGE);
	qsort(t, n, sizeof(*t), cmp);
	*med = t[n / 2];
	*mean = sum / n;
	return before == n ? n : -before;
}

static long *parse_list(const char *s, int *count)
{
	long *v = NULL;
	char *end;

	*count = 0;
	do {
		v = realloc(v, (*count + 1) * sizeof(*v));
		v[(*count)++] = strtol(s, &end, 10);
		if (end == s || (*end && *end != ',')) {
			fprintf(stderr, "dmem_accuracy: bad list '%s'\n", s);
			exit(2);
		}
		s = end + 1;
	} while (*end);
	return v;
}

int main(int argc, char **argv)
{
	const char *pl = "500,5000", *ll = "0,100000,1000000", *bl = "0";
	const char *ml = "0";
	long *pages, *lat, *bw, *repay, reads = 5000, local_kb = 64, max = 0;
	long n, late, repaid;
	int np, nl, nb, nm, i, j, k, m, opt;
	unsigned long long *t, med, mean, own, own_mean;
	char pid[32];
	struct stat st;

	while ((opt = getopt(argc, argv, "p:l:b:r:k:m:")) != -1) {
		switch (opt) {
		case 'p': pl = optarg; break;
		case 'l': ll = optarg; break;
		case 'b': bl = optarg; break;
		case 'r': reads = atol(optarg); break;
		case 'k': local_kb = atol(optarg); break;
		case 'm': ml = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-p PAGES,...] [-l NS,...] [-b BYTES_PER_S,...] [-m REPAY_LATE,...] [-r READS] [-k LOCAL_KB]\n",
				argv[0]);
			return 2;
		}
	}
	if (reads < 1) {
		fprintf(stderr, "dmem_accuracy: -r must be at least 1\n");
		return 2;
	}
	pages = parse_list(pl, &np);
	lat = parse_list(ll, &nl);
	bw = parse_list(bl, &nb);
	repay = parse_list(ml, &nm);
	for (i = 0; i < np; i++)
		if (pages[i] > max)
			max = pages[i];
	t = calloc(reads < max ? reads : max, sizeof(*t));
	if (!t)
		die("calloc");

	if (stat(ROOT, &st))
		mount("none", "/sys/kernel/config", "configfs", 0, NULL);
	snprintf(target, sizeof(target), ROOT "/accuracy-%d", getpid());
	if (mkdir(target, 0755))
		die(target);
	set_str("memory", "shmem");
	set("local_kb", local_kb);
	snprintf(pid, sizeof(pid), "%d", getpid());
	set_str("pid", pid);

	printf("| pages | latency (ns) | bandwidth (B/s) | repay_late | model (ns) | median (ns) | error | mean (ns) | error | no-delay cost (ns) | late (ns/fetch) | made up (ns/fetch) |\n");
	printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (i = 0; i < np; i++) {
		set("latency_ns", 0);
		set("bandwidth_bps", 0);
		if (measure(pages[i], reads, t, &own, &own_mean) < 0)
			fprintf(stderr, "dmem_accuracy: not every read fetched\n");
		for (j = 0; j < nl; j++) {
			for (k = 0; k < nb * nm; k++) {
				long b = bw[k / nm];
				double model = lat[j] + (b ? PAGE * 1e9 / b : 0);

				m = k % nm;
				if (!model)
					continue;
				set("latency_ns", lat[j]);
				set("bandwidth_bps", b);
				set("repay_late", repay[m]);
				late = stat_of("late_ns");
				repaid = stat_of("repaid_ns");
				n = measure(pages[i], reads, t, &med, &mean);
				if (n < 0)
					fprintf(stderr, "dmem_accuracy: not every read fetched\n");
				n = labs(n);
				late = stat_of("late_ns") - late;
				repaid = stat_of("repaid_ns") - repaid;
				printf("| %ld | %ld | %ld | %ld | %.0f | %llu | %+.1f%% | %llu | %+.1f%% | %llu | %ld | %ld |\n",
				       pages[i], lat[j], b, repay[m], model, med,
				       100 * (med - model) / model, mean,
				       100 * (mean - model) / model, own,
				       n ? late / n : 0, n ? repaid / n : 0);
				fflush(stdout);
			}
		}
	}
	printf("\ntrap_ns %ld, wake_late_ns %ld (the emulator's estimates, stats)\n",
	       stat_of("trap_ns"), stat_of("wake_late_ns"));
	if (rmdir(target))
		die(target);
	return 0;
}
