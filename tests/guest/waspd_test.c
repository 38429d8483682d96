// SPDX-License-Identifier: GPL-2.0-only
/*
 * waspd against the patched kernel, inside the test guest.
 *
 * The guest has no hardware perf counters, so the daemon reads replayed
 * counters (--replay): a trace written here names a process by comm, and
 * the daemon's replay source drives the live process of that name, a child
 * of this test whose threads keep touching memory. Everything else is real:
 * /proc scanning, the prctls, /proc/pgtable_repl, signals, exit status.
 *
 *   WASP_JAR   waspd.jar (scripts/test.sh sets it); run with $JAVA_HOME/bin/java
 *
 * The emulated NUMA nodes are equally fast, so the steering case gives the
 * daemon a PTL matrix file (--ptl-matrix) in which the next node (n + 1) is
 * the fastest from node n: every thread must be steered away from its own
 * node. The probe itself is checked separately (it must report a matrix for
 * the guest's node count).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "numa_nodes.h"

#define PR_SET_PGTABLE_REPL		100
#define PR_GET_PGTABLE_REPL		101
#define PR_SET_PGTABLE_REPL_NODE	102
#define PR_GET_PGTABLE_REPL_NODE	103
#define PR_PGTABLE_REPL_PID		0x70696421UL

#define MAX_TIDS	64
#define MAX_NODES	16

static long repl_mask(pid_t pid)
{
	return prctl(PR_GET_PGTABLE_REPL, pid, PR_PGTABLE_REPL_PID, 0, 0);
}

/*
 * The node a thread is steered to, or -1. The kernel returns -1 for "not
 * steered", which libc cannot tell from a failure (errno then reads EPERM),
 * so a real error shows only as a value other than -1..nodes-1.
 */
static long steered_node(pid_t tid)
{
	return prctl(PR_GET_PGTABLE_REPL_NODE, tid, 0, 0, 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
	return n;
}

/* Node of a CPU, from the node cpulists; -1 if none lists it. */
static int node_of_cpu(int cpu, int nodes)
{
	char path[96], buf[256], *s;
	int node, lo, hi, n;

	for (node = 0; node < nodes; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		if (read_file(path, buf, sizeof(buf)) < 0)
			continue;
		s = buf;
		while (sscanf(s, "%d%n", &lo, &n) == 1) {
			s += n;
			hi = lo;
			if (*s == '-' && sscanf(s + 1, "%d%n", &hi, &n) == 1)
				s += 1 + n;
			if (cpu >= lo && cpu <= hi)
				return node;
			if (*s != ',')
				break;
			s++;
		}
	}
	return -1;
}

/* The CPU a thread last ran on: field 39 of /proc/PID/task/TID/stat. */
static int task_cpu(pid_t pid, pid_t tid)
{
	char path[96], buf[1024], *p;
	int field, cpu = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');	/* comm may hold spaces */
	if (!p)
		return -1;
	for (field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%d", &cpu);
	return cpu;
}

static int list_tids(pid_t pid, pid_t *tids, int max)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			tids[n++] = atoi(e->d_name);
	closedir(d);
	return n;
}

/* A process's line in /proc/pgtable_repl, the status table for tools. */
struct repl_line {
	char comm[32];
	char nodes[32];
	int pgd_node;
	long replica_kb;
	int forced_threads;
};

/* 1 and the line when pid is listed, 0 when it is not, -1 without the file. */
static int mitosis_status(pid_t pid, struct repl_line *out)
{
	static char buf[1 << 16];
	char *line, *save = NULL;
	struct repl_line r;
	int p;

	if (read_file("/proc/pgtable_repl", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%d %31s %31s %d %ld %d", &p, r.comm, r.nodes, &r.pgd_node,
			   &r.replica_kb, &r.forced_threads) == 6 && p == pid) {
			if (out)
				*out = r;
			return 1;
		}
	}
	return 0;
}

/* ---- the workload: a child whose threads keep touching memory ---- */

#define WORK_BYTES	(32UL << 20)
static char *work_mem;

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *toucher(void *arg)
{
	unsigned long x = (unsigned long)arg * 2654435761UL + 1;
	int i;

	pin_to((int)(long)arg);
	for (;;) {
		/* Random pages: a TLB miss nearly every time. Throttled so the
		 * guest's vCPUs stay free for the JVM. */
		for (i = 0; i < 512; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			work_mem[((x >> 17) % (WORK_BYTES / 4096)) * 4096 + (i & 63)]++;
		}
		sleep_ms(2);
	}
	return NULL;
}

/*
 * Forks a process named comm with one memory-touching thread pinned to each
 * online CPU, or, with cpu >= 0, as many all pinned to cpu (the main thread,
 * pinned to CPU 0 or cpu, sleeps; its memory and page tables are made
 * there). Returns its pid once every thread runs; the process dies with the
 * test.
 */
static pid_t spawn_workload(const char *comm, int cpu)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), fds[2], i;
	pthread_t t;
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, comm);
		close(fds[0]);
		pin_to(cpu < 0 ? 0 : cpu);
		work_mem = mmap(NULL, WORK_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (work_mem == MAP_FAILED)
			_exit(1);
		memset(work_mem, 1, WORK_BYTES);
		for (i = 0; i < ncpu && i < MAX_TIDS - 1; i++)
			if (pthread_create(&t, NULL, toucher, (void *)(long)(cpu < 0 ? i : cpu)))
				_exit(1);
		sleep_ms(200);	/* let every thread reach its CPU */
		if (write(fds[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1) {
		close(fds[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(fds[0]);
	return pid;
}

static pid_t start_workload(const char *comm)
{
	return spawn_workload(comm, -1);
}

/* The first CPU of node; -1 if it has none. */
static int node_first_cpu(int node, int nodes)
{
	int cpu, ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	for (cpu = 0; cpu < ncpu; cpu++)
		if (node_of_cpu(cpu, nodes) == node)
			return cpu;
	return -1;
}

/* Pins every thread of pid to cpu; 0 when all were. */
static int pin_all(pid_t pid, int cpu)
{
	pid_t tids[MAX_TIDS];
	int n = list_tids(pid, tids, MAX_TIDS), i, err = n <= 0;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	for (i = 0; i < n; i++)
		err |= sched_setaffinity(tids[i], sizeof(set), &set) != 0;
	return err;
}

/*
 * Page-table pages of pid on node from /proc/PID/pgtable_numa
 * ("tables N0=1040 N1=3"); -1 without the file or the node.
 */
static long tables_on(pid_t pid, int node)
{
	char path[64], buf[512], key[16], *s;

	snprintf(path, sizeof(path), "/proc/%d/pgtable_numa", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), " N%d=", node);
	s = strstr(buf, key);
	return s ? strtol(s + strlen(key), NULL, 10) : -1;
}

/* Home node of pid's page tables; -1 for none (the raw -1 reads as EPERM). */
static long pgtable_home(pid_t pid)
{
	long r = prctl(105 /* PR_GET_PGTABLE_HOME */, pid, 0, 0, 0);

	return r < 0 && errno == EPERM ? -1 : r;
}

static void stop_child(pid_t *pid, int sig)
{
	if (*pid > 0) {
		kill(*pid, sig);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
}

/* ---- traces for --replay ---- */

/*
 * One traced process: comm, and a phase per interval: 'H' (MAR 50M/s, DTLB
 * miss rate 5%: well above the default 10M/s and 1%) or 'L' (MAR 1.25M/s,
 * 0.1%: well below the off line). The first interval is the baseline.
 */
struct traced {
	const char *comm;
	const char *phases;
};

static int write_trace(const char *path, const struct traced *procs, int nprocs)
{
	unsigned long long v[8][6] = { { 0 } };
	int len = 0, i, p, e;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (p = 0; p < nprocs; p++)
		if ((int)strlen(procs[p].phases) > len)
			len = strlen(procs[p].phases);
	fprintf(f, "# waspd-record 1\n");
	for (i = 0; i < len; i++) {
		unsigned long long ts = (i + 1) * 1000000000ULL;

		for (p = 0; p < nprocs; p++) {
			char ph = procs[p].phases[i < (int)strlen(procs[p].phases) ? i :
						   (int)strlen(procs[p].phases) - 1];
			/* l1d_read, l1d_write, dtlb_read, dtlb_write, misses */
			static const unsigned long long high[6] = {
				40000000, 10000000, 40000000, 10000000, 2000000, 500000 };
			static const unsigned long long low[6] = {
				1000000, 250000, 1000000, 250000, 1000, 250 };
			static const char *const keys[6] = {
				"l1d_read", "l1d_write", "dtlb_read", "dtlb_write",
				"dtlb_read_miss", "dtlb_write_miss" };

			fprintf(f, "%llu %d %d %s", ts, 900001 + p, 900101 + p, procs[p].comm);
			for (e = 0; e < 6; e++) {
				if (i > 0)
					v[p][e] += ph == 'H' ? high[e] : low[e];
				fprintf(f, " %s=%llu/%llu/%llu", keys[e], v[p][e], ts, ts);
			}
			fputc('\n', f);
		}
	}
	return fclose(f);
}

/* ---- the daemon ---- */

FIXTURE(waspd) {
	char dir[64];
	char log[96];
	char trace[96];
	char status[96];
	pid_t daemon;
	pid_t work[2];
	int nodes;
};

FIXTURE_SETUP(waspd)
{
	const char *jar = getenv("WASP_JAR");

	if (!jar || access(jar, R_OK))
		SKIP(return, "WASP_JAR not set or not readable");
	if (repl_mask(0) < 0 && errno == EINVAL)
		SKIP(return, "kernel without page-table replication (prctl 101 gives EINVAL)");
	ASSERT_EQ(0U, geteuid()) TH_LOG("waspd needs root");
	ASSERT_EQ(0, mitosis_status(0, NULL)) TH_LOG("no /proc/pgtable_repl");
	strcpy(self->dir, "/tmp/waspd_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/waspd.log", self->dir);
	snprintf(self->trace, sizeof(self->trace), "%s/trace.rec", self->dir);
	snprintf(self->status, sizeof(self->status), "%s/status.json", self->dir);
	self->nodes = count_nodes();
	if (self->nodes < 1)
		self->nodes = 1;
	self->daemon = self->work[0] = self->work[1] = 0;
}

FIXTURE_TEARDOWN(waspd)
{
	char cmd[160];

	stop_child(&self->daemon, SIGKILL);
	stop_child(&self->work[0], SIGKILL);
	stop_child(&self->work[1], SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		perror(cmd);
}

/* Prints the end of the daemon's log (on failure). */
static void show_log(const char *path)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "tail -n 40 '%s' | sed 's/^/#   waspd: /'", path);
	fflush(stdout);
	if (system(cmd))
		fprintf(stderr, "# (no daemon log)\n");
	fflush(stdout);
}

/*
 * Starts java -jar $WASP_JAR ARGS... with the fixture's status file, output
 * to the fixture's log. argv ends with NULL.
 */
static pid_t start_daemon(FIXTURE_DATA(waspd) *self, const char *const *args)
{
	const char *java_home = getenv("JAVA_HOME");
	char java[512];
	const char *argv[64];
	int n = 0, fd;
	pid_t pid;

	if (java_home && *java_home) {
		snprintf(java, sizeof(java), "%s/bin/java", java_home);
		if (access(java, X_OK))
			strcpy(java, "java");
	} else {
		strcpy(java, "java");
	}
	argv[n++] = java;
	argv[n++] = "-XX:+UseSerialGC";
	argv[n++] = "-XX:TieredStopAtLevel=1";
	argv[n++] = "-XX:-UsePerfData";
	argv[n++] = "-Xshare:auto";
	argv[n++] = "-Xmx192m";
	argv[n++] = "-jar";
	argv[n++] = getenv("WASP_JAR");
	argv[n++] = "--status-file";
	argv[n++] = self->status;
	while (*args && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;

	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(self->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(java, (char *const *)argv);
		perror("exec java");
		_exit(127);
	}
	return pid;
}

/*
 * Waits for the daemon to exit; returns its exit status, or -1 on timeout
 * (it is then killed) or death by a signal.
 */
static int wait_daemon(pid_t *pid, int timeout_s)
{
	double end = now_s() + timeout_s;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(*pid, &status, WNOHANG);

		if (r == *pid) {
			*pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		sleep_ms(100);
	}
	stop_child(pid, SIGKILL);
	return -1;
}

/* True while the daemon runs (it must not have exited early). */
static int daemon_alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/*
 * Polls until cond holds, the daemon exits, or timeout_s passes; evaluates
 * to whether cond held.
 */
#define WAIT_FOR(self, timeout_s, cond) ({					\
	double __end = now_s() + (timeout_s);					\
	int __ok = 0;								\
	while (!(__ok = !!(cond)) && now_s() < __end &&			\
	       daemon_alive((self)->daemon))					\
		sleep_ms(100);							\
	__ok || (__ok = !!(cond));						\
})

/* Java under TCG starts in tens of seconds; a loaded host makes it minutes. */
#define START_S		400
#define STEP_S		120

static long all_nodes_mask(int nodes)
{
	return (1L << nodes) - 1;
}

/*
 * (a) A trace whose phase goes high then low: the daemon turns replication on
 * for the running process (on every node), then off again, and ends with the
 * trace, exit 0.
 */
TEST_F_TIMEOUT(waspd, replicates_while_phase_is_high, 900)
{
	const struct traced t[] = { { "wasp_hog", "HHHHHHHHHHLLLLLLLLLL" } };
	const char *args[] = { "0", "--replay", self->trace, "--interval", "1s", NULL };
	char want_nodes[16], verify[256];
	struct repl_line r;
	int fd;

	ASSERT_EQ(0, write_trace(self->trace, t, 1));
	self->work[0] = start_workload("wasp_hog");
	ASSERT_LT(0, self->work[0]);
	ASSERT_EQ(0, repl_mask(self->work[0]));

	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, mitosis_status(self->work[0], &r) == 1)) {
		show_log(self->log);
		ASSERT_EQ(1, mitosis_status(self->work[0], &r)) TH_LOG("never replicated");
	}
	TH_LOG("replicated: nodes %s pgd_node %d replica_kb %ld", r.nodes, r.pgd_node, r.replica_kb);
	snprintf(want_nodes, sizeof(want_nodes), "0-%d", self->nodes - 1);
	EXPECT_STREQ(want_nodes, r.nodes);
	EXPECT_STREQ("wasp_hog", r.comm);
	EXPECT_LT(0, r.replica_kb);
	EXPECT_EQ(all_nodes_mask(self->nodes), repl_mask(self->work[0]));

	/* The kernel's own check of the copies, while the threads run. */
	fd = open("/sys/kernel/debug/pgtable_repl/verify", O_RDWR);
	if (fd >= 0) {
		char pid[16];
		int n = snprintf(pid, sizeof(pid), "%d", self->work[0]);

		if (write(fd, pid, n) == n && pread(fd, verify, sizeof(verify) - 1, 0) > 0) {
			verify[sizeof(verify) - 1] = '\0';
			*strchrnul(verify, '\n') = '\0';
			TH_LOG("verify: %s", verify);
			EXPECT_NE(NULL, strstr(verify, " errors 0"));
		}
		close(fd);
	}

	/* Phase low for --hold-off intervals: off again, while the daemon runs. */
	if (!WAIT_FOR(self, STEP_S, mitosis_status(self->work[0], NULL) == 0)) {
		show_log(self->log);
		ASSERT_EQ(0, mitosis_status(self->work[0], NULL)) TH_LOG("never unreplicated");
	}
	EXPECT_TRUE(daemon_alive(self->daemon)) TH_LOG("off only because the daemon exited");
	EXPECT_EQ(0, repl_mask(self->work[0]));

	/* The trace ends: the daemon stops by itself with 0. */
	EXPECT_EQ(0, wait_daemon(&self->daemon, STEP_S)) show_log(self->log);
	EXPECT_EQ(0, repl_mask(self->work[0]));
}

/*
 * (b) and (d): full mode steers every thread of the replicated process to the
 * fastest replica of the given matrix (node n + 1 from node n); SIGTERM then
 * returns every thread to its own node, turns replication off, exits 0.
 */
TEST_F_TIMEOUT(waspd, steers_threads_and_undoes_on_sigterm, 900)
{
	const struct traced t[] = { { "wasp_steer", "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
					"HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" } };
	char matrix[96];
	const char *args[] = { "1", "--replay", self->trace, "--interval", "500ms",
			       "--ptl-matrix", matrix, NULL };
	pid_t tids[MAX_TIDS];
	int ntids, i, j, steered, rc;
	struct repl_line r;
	FILE *f;

	if (self->nodes < 2)
		SKIP(return, "steering needs two nodes");
	snprintf(matrix, sizeof(matrix), "%s/ptl.txt", self->dir);
	f = fopen(matrix, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "# rows: CPU node; columns: memory node; the next node is fastest\n");
	for (i = 0; i < self->nodes; i++)
		for (j = 0; j < self->nodes; j++)
			fprintf(f, "%d%c", j == (i + 1) % self->nodes ? 100 : 300,
				j == self->nodes - 1 ? '\n' : ' ');
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, write_trace(self->trace, t, 1));
	self->work[0] = start_workload("wasp_steer");
	ASSERT_LT(0, self->work[0]);
	ntids = list_tids(self->work[0], tids, MAX_TIDS);
	ASSERT_LT(1, ntids);
	for (i = 0; i < ntids; i++)
		ASSERT_EQ(-1, steered_node(tids[i]));

	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, mitosis_status(self->work[0], &r) == 1 &&
				       r.forced_threads == ntids)) {
		show_log(self->log);
		ASSERT_EQ(1, mitosis_status(self->work[0], &r)) TH_LOG("never replicated");
		ASSERT_EQ(ntids, r.forced_threads);
	}
	EXPECT_EQ(all_nodes_mask(self->nodes), repl_mask(self->work[0]));
	/* Each thread is pinned: it reads the copy of the node after its own. */
	for (i = 0, steered = 0; i < ntids; i++) {
		int cpu = task_cpu(self->work[0], tids[i]);
		int node = node_of_cpu(cpu, self->nodes);
		long got = steered_node(tids[i]);

		EXPECT_LE(0, node) TH_LOG("tid %d on cpu %d", tids[i], cpu);
		EXPECT_EQ((node + 1) % self->nodes, got)
			TH_LOG("tid %d on cpu %d (node %d) steered to %ld", tids[i], cpu, node, got);
		steered += got >= 0;
	}
	TH_LOG("%d threads steered, forced_threads %d", steered, r.forced_threads);

	/* SIGTERM: nothing replicated or steered afterwards, exit 0. */
	ASSERT_TRUE(daemon_alive(self->daemon));
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	rc = wait_daemon(&self->daemon, STEP_S);
	if (rc != 0)
		show_log(self->log);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, repl_mask(self->work[0]));
	EXPECT_EQ(0, mitosis_status(self->work[0], NULL));
	for (i = 0; i < ntids; i++)
		EXPECT_EQ(-1, steered_node(tids[i])) TH_LOG("tid %d", tids[i]);
	EXPECT_NE(0, access(self->status, F_OK)) TH_LOG("status file left behind");
}

/*
 * (c) -x NAME: of two processes with the same high trace, the excluded one is
 * never replicated while the other one is.
 */
TEST_F_TIMEOUT(waspd, excludes_by_comm, 900)
{
	const struct traced t[] = {
		{ "wasp_skip", "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" },
		{ "wasp_take", "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" },
	};
	const char *args[] = { "0", "-x", "wasp_skip", "--replay", self->trace,
			       "--interval", "500ms", NULL };
	int i;

	ASSERT_EQ(0, write_trace(self->trace, t, 2));
	self->work[0] = start_workload("wasp_skip");
	self->work[1] = start_workload("wasp_take");
	ASSERT_LT(0, self->work[0]);
	ASSERT_LT(0, self->work[1]);

	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, repl_mask(self->work[1]) > 0)) {
		show_log(self->log);
		ASSERT_LT(0, repl_mask(self->work[1])) TH_LOG("the included process was never replicated");
	}
	/* A few more intervals: the excluded one stays as it is. */
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(0, repl_mask(self->work[0]));
		ASSERT_EQ(0, mitosis_status(self->work[0], NULL));
		sleep_ms(100);
	}
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	EXPECT_EQ(0, wait_daemon(&self->daemon, STEP_S)) show_log(self->log);
	EXPECT_EQ(0, repl_mask(self->work[1]));
	EXPECT_EQ(0, repl_mask(self->work[0]));
}

/* Lines of a file, or -1 when it cannot be read. */
static int count_lines(const char *path)
{
	static char buf[1 << 16];
	int n = 0, len = read_file(path, buf, sizeof(buf));
	char *p;

	if (len < 0)
		return -1;
	for (p = buf; *p; p++)
		n += *p == '\n';
	return n;
}

/*
 * (f) Crash safety: the daemon replicates a process and steers its threads,
 * is killed with SIGKILL at a random point after its first change (no undo
 * runs), and a new daemon started on the same run directory finds the
 * journal and puts every change back: the process is unreplicated and every
 * thread unsteered, although the new daemon's own trace would never have
 * turned anything on. A SIGTERM then removes the journal.
 */
TEST_F_TIMEOUT(waspd, undoes_a_killed_daemons_changes_at_restart, 1500)
{
	const struct traced high[] = { { "wasp_crash", "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
					 "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
					 "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" } };
	const struct traced low[] = { { "wasp_crash", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
					"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
					"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL" } };
	char matrix[96], run[96], journal[128], trace2[96];
	const char *args[] = { "1", "--replay", self->trace, "--interval", "500ms", "--ptl-matrix", matrix,
			       "--run-dir", run, NULL };
	const char *again[] = { "0", "--replay", trace2, "--interval", "500ms", "--run-dir", run, NULL };
	pid_t tids[MAX_TIDS];
	int ntids, i, j, steered, rc, lines;
	long delay_ms, mask;
	FILE *f;

	snprintf(matrix, sizeof(matrix), "%s/ptl.txt", self->dir);
	snprintf(run, sizeof(run), "%s/run", self->dir);
	snprintf(journal, sizeof(journal), "%s/waspd.journal", run);
	snprintf(trace2, sizeof(trace2), "%s/low.rec", self->dir);
	f = fopen(matrix, "w");
	ASSERT_NE(NULL, f);
	for (i = 0; i < self->nodes; i++)
		for (j = 0; j < self->nodes; j++)
			fprintf(f, "%d%c", self->nodes < 2 || j == (i + 1) % self->nodes ? 100 : 300,
				j == self->nodes - 1 ? '\n' : ' ');
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, write_trace(self->trace, high, 1));
	ASSERT_EQ(0, write_trace(trace2, low, 1));
	self->work[0] = start_workload("wasp_crash");
	ASSERT_LT(0, self->work[0]);
	ntids = list_tids(self->work[0], tids, MAX_TIDS);
	ASSERT_LT(0, ntids);

	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, repl_mask(self->work[0]) > 0)) {
		show_log(self->log);
		ASSERT_LT(0, repl_mask(self->work[0])) TH_LOG("never replicated");
	}
	/* A random point after the first change: before, during or after the steering. */
	srand(time(NULL) ^ getpid());
	delay_ms = rand() % 3000;
	sleep_ms(delay_ms);
	ASSERT_TRUE(daemon_alive(self->daemon));
	ASSERT_EQ(0, kill(self->daemon, SIGKILL));
	ASSERT_EQ(-1, wait_daemon(&self->daemon, STEP_S));
	mask = repl_mask(self->work[0]);
	for (i = 0, steered = 0; i < ntids; i++)
		steered += steered_node(tids[i]) >= 0;
	lines = count_lines(journal);
	TH_LOG("killed %ld ms after the first change: mask %ld, %d of %d threads steered, journal %d lines",
	       delay_ms, mask, steered, ntids, lines);
	EXPECT_LT(0, mask) TH_LOG("a killed daemon undoes nothing");
	EXPECT_LE(2, lines) TH_LOG("no journal left in %s", journal);

	/* The next start puts everything back, and its own trace turns nothing on. */
	self->daemon = start_daemon(self, again);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, ({
		int __s = 0, __i;

		for (__i = 0; __i < ntids; __i++)
			__s += steered_node(tids[__i]) >= 0;
		repl_mask(self->work[0]) == 0 && __s == 0; }))) {
		show_log(self->log);
		ASSERT_EQ(0, repl_mask(self->work[0])) TH_LOG("still replicated after the restart");
	}
	EXPECT_TRUE(daemon_alive(self->daemon)) TH_LOG("undone only because the new daemon exited");
	EXPECT_EQ(0, repl_mask(self->work[0]));
	EXPECT_EQ(0, mitosis_status(self->work[0], NULL));
	for (i = 0; i < ntids; i++)
		EXPECT_EQ(-1, steered_node(tids[i])) TH_LOG("tid %d", tids[i]);

	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	rc = wait_daemon(&self->daemon, STEP_S);
	if (rc != 0)
		show_log(self->log);
	EXPECT_EQ(0, rc);
	EXPECT_NE(0, access(journal, F_OK)) TH_LOG("journal left after a clean stop");
	EXPECT_EQ(0, repl_mask(self->work[0]));
}

/*
 * Parses "ptl_ns": [[a, b], [c, d]] from the status file: returns the number
 * of rows (0 while null), each row's length in cols[], values in ns[][].
 */
static int parse_ptl(const char *path, int cols[MAX_NODES], double ns[MAX_NODES][MAX_NODES])
{
	char buf[1 << 14], *p, *end;
	int rows = 0, depth = 0;

	if (read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\"ptl_ns\": ");
	if (!p || p[10] != '[')
		return 0;
	for (p += 10; *p; p++) {
		if (*p == '[') {
			if (++depth == 2 && rows < MAX_NODES)
				cols[rows++] = 0;
		} else if (*p == ']') {
			if (--depth == 0)
				break;
		} else if (depth == 2 && (*p == '-' || (*p >= '0' && *p <= '9'))) {
			double v = strtod(p, &end);

			if (cols[rows - 1] < MAX_NODES)
				ns[rows - 1][cols[rows - 1]] = v;
			cols[rows - 1]++;
			p = end - 1;
		} else if (depth == 2 && !strncmp(p, "null", 4)) {
			if (cols[rows - 1] < MAX_NODES)
				ns[rows - 1][cols[rows - 1]] = -1;
			cols[rows - 1]++;
			p += 3;
		}
	}
	return rows;
}

/*
 * (e) The pointer-chase probe, run by the daemon in full mode, measures a
 * matrix with a row and a column per guest node, every entry a plausible
 * latency.
 */
TEST_F_TIMEOUT(waspd, probe_reports_matrix_for_every_node, 900)
{
	const struct traced t[] = { { "wasp_none", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
					"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
					"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
					"LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL" } };
	const char *args[] = { "1", "--replay", self->trace, "--interval", "1s", "-i", "3600",
			       "--probe-buffer-mb", "16", "--probe-steps", "200000",
			       "--probe-trials", "3", NULL };
	double ns[MAX_NODES][MAX_NODES];
	int cols[MAX_NODES], rows = 0, i, j;

	ASSERT_EQ(0, write_trace(self->trace, t, 1));
	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S + 200, (rows = parse_ptl(self->status, cols, ns)) > 0)) {
		show_log(self->log);
		ASSERT_LT(0, rows) TH_LOG("no PTL matrix in the status file");
	}
	ASSERT_EQ(self->nodes, rows);
	for (i = 0; i < rows; i++) {
		char line[256];
		int n = 0;

		ASSERT_EQ(self->nodes, cols[i]);
		for (j = 0; j < cols[i]; j++) {
			n += snprintf(line + n, sizeof(line) - n, " %8.1f", ns[i][j]);
			/* A load from DRAM, emulated: more than 1 ns, less than 100 us. */
			EXPECT_LT(1.0, ns[i][j]) TH_LOG("ptl[%d][%d]", i, j);
			EXPECT_GT(100000.0, ns[i][j]) TH_LOG("ptl[%d][%d]", i, j);
		}
		TH_LOG("PTL ns from node %d:%s", i, line);
	}
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	EXPECT_EQ(0, wait_daemon(&self->daemon, STEP_S)) show_log(self->log);
}

/*
 * (f) --placement auto, the third action: a process whose threads all run on
 * the last node while its page tables were made on node 0 gets them moved
 * there (not replicated); when its threads move to node 0 for good the
 * daemon follows them; SIGTERM puts its home node back (none), the tables
 * stay where they are.
 */
TEST_F_TIMEOUT(waspd, moves_page_tables_where_threads_run, 900)
{
	const struct traced t[] = { { "wasp_mover", "HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
					"HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
					"HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH" } };
	const char *args[] = { "0", "--replay", self->trace, "--interval", "1s", "--placement", "auto",
			       "--placement-hold", "2", NULL };
	int last = self->nodes - 1, cpu0, cpul;
	pid_t w;

	if (self->nodes < 2)
		SKIP(return, "one node");
	if (access("/proc/self/pgtable_numa", R_OK))
		SKIP(return, "kernel without page-table moves (no /proc/PID/pgtable_numa)");
	cpu0 = node_first_cpu(0, self->nodes);
	cpul = node_first_cpu(last, self->nodes);
	ASSERT_LE(0, cpu0);
	ASSERT_LE(0, cpul);
	ASSERT_EQ(0, write_trace(self->trace, t, 1));
	w = self->work[0] = spawn_workload("wasp_mover", cpu0);
	ASSERT_LT(0, w);
	ASSERT_LT(0, tables_on(w, 0)) TH_LOG("tables not made on node 0");
	ASSERT_EQ(0, pin_all(w, cpul));

	self->daemon = start_daemon(self, args);
	ASSERT_LT(0, self->daemon);
	if (!WAIT_FOR(self, START_S, tables_on(w, last) > 0 && tables_on(w, 0) == 0)) {
		show_log(self->log);
		ASSERT_EQ(0, tables_on(w, 0)) TH_LOG("never moved to node %d", last);
	}
	TH_LOG("moved to node %d: %ld tables there", last, tables_on(w, last));
	EXPECT_EQ(last, pgtable_home(w));
	EXPECT_EQ(0, repl_mask(w)) TH_LOG("replicated instead of moved");

	/* Its threads move to node 0 for good: followed after the hold. */
	ASSERT_EQ(0, pin_all(w, cpu0));
	if (!WAIT_FOR(self, STEP_S, tables_on(w, 0) > 0 && tables_on(w, last) == 0)) {
		show_log(self->log);
		ASSERT_EQ(0, tables_on(w, last)) TH_LOG("never followed to node 0");
	}
	EXPECT_EQ(0, pgtable_home(w));

	/* SIGTERM: the home node it had (none) is back; the tables stay. */
	kill(self->daemon, SIGTERM);
	EXPECT_EQ(0, wait_daemon(&self->daemon, STEP_S)) show_log(self->log);
	EXPECT_EQ(-1, pgtable_home(w));
	EXPECT_LT(0, tables_on(w, 0));
}

TEST_HARNESS_MAIN
