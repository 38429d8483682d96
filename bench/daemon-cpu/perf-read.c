// SPDX-License-Identifier: GPL-2.0-only
/*
 * The floor under waspd's per-interval counter reads: opens the six software
 * perf events (cpu-clock, task-clock, page-faults, context-switches,
 * cpu-migrations, minor-faults) on every thread of PID, one descriptor each,
 * read_format TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING, user space only, like
 * waspd's counters, then times ROUNDS rounds of one read() of every
 * descriptor (CPU time of this thread, CLOCK_THREAD_CPUTIME_ID). With GROUP 2
 * or 3, the events are opened in groups of that many (read_format GROUP as
 * well; waspd uses 3) and only the group leaders are read: 3 or 2 reads per
 * thread instead of 6.
 * usage: perf-read PID [ROUNDS [GROUP]]   (root, or perf_event_paranoid permitting)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EVENTS 6

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	char path[64];
	struct dirent *de;
	DIR *d;
	int *fds = NULL, nfds = 0, cap = 0, rounds, group, events = 0;
	double best = 1e300, sum = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: perf-read PID [ROUNDS [GROUP]]\n");
		return 2;
	}
	rounds = argc > 2 ? atoi(argv[2]) : 60;
	group = argc > 3 ? atoi(argv[3]) : 1;
	if (group < 1 || EVENTS % group) {
		fprintf(stderr, "perf-read: GROUP must divide %d\n", EVENTS);
		return 2;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	snprintf(path, sizeof(path), "/proc/%s/task", argv[1]);
	d = opendir(path);
	if (!d) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid <= 0)
			continue;
		int leader = -1;

		for (int e = 0; e < EVENTS; e++) {
			struct perf_event_attr a;
			int fd;

			memset(&a, 0, sizeof(a));
			a.type = PERF_TYPE_SOFTWARE;
			a.size = sizeof(a);
			a.config = e;
			a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING |
					(group > 1 ? PERF_FORMAT_GROUP : 0);
			a.exclude_kernel = 1;
			a.exclude_hv = 1;
			if (e % group == 0)
				leader = -1;
			fd = syscall(SYS_perf_event_open, &a, tid, -1, leader, PERF_FLAG_FD_CLOEXEC);
			if (fd < 0) {
				perror("perf_event_open");
				return 1;
			}
			events++;
			if (leader >= 0)
				continue;	/* a member: read through its leader */
			if (group > 1)
				leader = fd;
			if (nfds == cap) {
				cap = cap ? 2 * cap : 1024;
				fds = realloc(fds, cap * sizeof(*fds));
			}
			fds[nfds++] = fd;
		}
	}
	closedir(d);
	for (int r = 0; r < rounds + 1; r++) {
		uint64_t v[3 + EVENTS];
		ssize_t want = group > 1 ? 8 * (3 + group) : 24;
		double t0 = cpu_ns(), t;

		for (int i = 0; i < nfds; i++)
			if (read(fds[i], v, sizeof(v)) != want) {
				perror("read");
				return 1;
			}
		t = cpu_ns() - t0;
		if (r > 0) {	/* round 0 warms up */
			sum += t;
			if (t < best)
				best = t;
		}
		usleep(100000);
	}
	printf("descriptors %d group %d reads %d rounds %d read_round_cpu_ms mean %.3f min %.3f per_read_ns %.0f\n",
	       events, group, nfds, rounds, sum / rounds / 1e6, best / 1e6, sum / rounds / nfds);
	return 0;
}
