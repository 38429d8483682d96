// SPDX-License-Identifier: GPL-2.0-only
/*
 * Foundation checks, run inside the test guest: the guest runs the kernel
 * that was just built, sees the NUMA topology that scripts/vm-run.sh asked
 * QEMU for, and runs Java programs from the host's JDK.
 *
 * The host passes what it expects through the environment:
 *   WASP_EXPECT_RELEASE  the build's kernel.release
 *   WASP_EXPECT_UTS      the build's UTS_VERSION ("#1 SMP ...")
 *   WASP_EXPECT_NODES    number of NUMA nodes
 *   WASP_EXPECT_CPUS     number of vCPUs
 *   WASP_JAR             waspd.jar, run with the host's java
 *   WASP_EXPECT_LA57     1 when the guest should use 5-level paging
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "numa_nodes.h"

static long env_long(const char *name)
{
	const char *v = getenv(name);

	return v ? strtol(v, NULL, 10) : -1;
}

/* Read a whole small file into buf; returns its length or -1. */
static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* Number of CPUs in a cpulist such as "0-1,4". */
static int cpulist_count(const char *s)
{
	int count = 0, lo, hi, n;

	while (sscanf(s, "%d%n", &lo, &n) == 1) {
		s += n;
		hi = lo;
		if (*s == '-' && sscanf(s + 1, "%d%n", &hi, &n) == 1)
			s += 1 + n;
		count += hi - lo + 1;
		if (*s != ',')
			break;
		s++;
	}
	return count;
}

TEST(kernel_is_this_wasp_build)
{
	const char *release = getenv("WASP_EXPECT_RELEASE");
	const char *uts = getenv("WASP_EXPECT_UTS");
	struct utsname u;
	char version[512];

	if (!release || !uts)
		SKIP(return, "WASP_EXPECT_RELEASE/UTS not set (run through scripts/test.sh)");
	ASSERT_EQ(0, uname(&u));
	ASSERT_STREQ(release, u.release);
	ASSERT_NE(NULL, strstr(u.release, "-wasp"));
	ASSERT_STREQ(uts, u.version);
	ASSERT_LT(0, read_file("/proc/version", version, sizeof(version)));
	ASSERT_NE(NULL, strstr(version, release));
}

TEST(numa_nodes_have_memory_and_cpus)
{
	long want_nodes = env_long("WASP_EXPECT_NODES");
	long want_cpus = env_long("WASP_EXPECT_CPUS");
	char path[128], buf[4096], *p;
	int node, cpus = 0;
	long kb;

	if (want_nodes < 1 || want_cpus < 1)
		SKIP(return, "WASP_EXPECT_NODES/CPUS not set");
	ASSERT_EQ(want_nodes, count_nodes());
	for (node = 0; node < want_nodes; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
		ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
		p = strstr(buf, "MemTotal:");
		ASSERT_NE(NULL, p);
		ASSERT_EQ(1, sscanf(p, "MemTotal: %ld", &kb));
		EXPECT_LT(128 * 1024, kb) TH_LOG("node %d has %ld kB", node, kb);

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
		/* vm-run.sh gives each node a block of cpus/nodes CPUs. */
		EXPECT_EQ((node + 1) * want_cpus / want_nodes - node * want_cpus / want_nodes,
			  cpulist_count(buf)) TH_LOG("node %d cpulist %s", node, buf);
		cpus += cpulist_count(buf);
	}
	ASSERT_EQ(want_cpus, cpus);
	ASSERT_LT(0, read_file("/sys/devices/system/node/has_memory", buf, sizeof(buf)));
	ASSERT_EQ(want_nodes, cpulist_count(buf));
}

TEST(numa_distances_form_a_ring)
{
	long nodes = env_long("WASP_EXPECT_NODES");
	char path[128], buf[1024], *p;
	int i, j, d, n;

	if (nodes < 1)
		SKIP(return, "WASP_EXPECT_NODES not set");
	for (i = 0; i < nodes; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", i);
		ASSERT_LT(0, read_file(path, buf, sizeof(buf)));
		p = buf;
		for (j = 0; j < nodes; j++) {
			int hops = abs(i - j) < nodes - abs(i - j) ? abs(i - j) : nodes - abs(i - j);

			ASSERT_EQ(1, sscanf(p, "%d%n", &d, &n));
			p += n;
			EXPECT_EQ(10 + 10 * hops, d) TH_LOG("distance %d->%d", i, j);
		}
	}
}

TEST(paging_levels_as_requested)
{
	void *hint = (void *)(1UL << 50), *p;
	long la57 = env_long("WASP_EXPECT_LA57");

	if (la57 < 0)
		SKIP(return, "WASP_EXPECT_LA57 not set");
	/* Addresses above 47 bits exist only with 5-level paging. */
	p = mmap(hint, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(la57 == 1, p == hint) TH_LOG("mmap at %p gave %p", hint, p);
	munmap(p, 4096);
}

/* Java under TCG on a busy host can take minutes to start. */
FIXTURE(jdk) {};
FIXTURE_SETUP(jdk) {}
FIXTURE_TEARDOWN(jdk) {}

TEST_F_TIMEOUT(jdk, runs_waspd, 600)
{
	const char *jar = getenv("WASP_JAR");
	char cmd[1024], out[256] = "";
	FILE *p;

	if (!jar || access(jar, R_OK))
		SKIP(return, "WASP_JAR not set or not readable");
	snprintf(cmd, sizeof(cmd),
		 "java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -jar '%s' --version 2>&1",
		 jar);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	ASSERT_LT(0, (int)fread(out, 1, sizeof(out) - 1, p));
	ASSERT_EQ(0, pclose(p)) TH_LOG("java said: %s", out);
	ASSERT_EQ(0, strncmp(out, "waspd ", 6)) TH_LOG("java said: %s", out);
}

TEST_HARNESS_MAIN
