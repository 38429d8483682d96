// SPDX-License-Identifier: GPL-2.0-only
/*
 * What applications use: libwasp's calls, the wasp-run launcher and the
 * examples, each run as a user would. scripts/test.sh builds libwasp and
 * the examples next to this program (../libwasp, ../examples).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../libwasp/include/wasp.h"
#include "../../libwasp/src/wasp.c"

#define INHERIT_PATH	"/proc/sys/kernel/mitosis_inherit"

static char built[PATH_MAX];	/* where test.sh put libwasp and the examples */

/* Run @cmd with sh; its exit status (-1: not run), its output in @out. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0;
	int status;

	if (!p)
		return -1;
	if (out) {
		len = fread(out, 1, size - 1, p);
		out[len] = '\0';
	} else {
		while (fgetc(p) != EOF)
			;
	}
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* N of "... N<node>=N ..." in a /proc/PID/pgtable_numa line; -1 if absent. */
static long tables_on(const char *text, int node)
{
	char key[16];
	const char *s;

	snprintf(key, sizeof(key), " N%d=", node);
	s = strstr(text, key);
	return s ? strtol(s + strlen(key), NULL, 10) : -1;
}

static long first_number_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static int write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

FIXTURE(iface) {
	int nodes;
};

FIXTURE_SETUP(iface)
{
	long mask;

	if (access(INHERIT_PATH, R_OK))
		SKIP(return, "no page-table replication in this kernel");
	ASSERT_EQ(0, wasp_replicate(0, WASP_ALL_NODES));
	mask = wasp_replicated_nodes(0);
	ASSERT_LT(0, mask);
	self->nodes = __builtin_popcountl(mask);
	ASSERT_EQ(0, wasp_unreplicate(0));
	ASSERT_EQ(0, wasp_replicated_nodes(0));
}

FIXTURE_TEARDOWN(iface)
{
	wasp_unreplicate(0);
	write_file(INHERIT_PATH, "1");
}

TEST_F(iface, library_replicates_and_steers)
{
	long mask;
	int node, last;

	ASSERT_EQ(0, wasp_replicate(0, WASP_ALL_NODES));
	mask = wasp_replicated_nodes(0);
	last = 63 - __builtin_clzl(mask);
	ASSERT_EQ(0, wasp_steer(0, last));
	ASSERT_EQ(0, wasp_steered_node(0, &node));
	EXPECT_EQ(last, node);
	ASSERT_EQ(0, wasp_steer(0, WASP_NODE_AUTO));
	ASSERT_EQ(0, wasp_steered_node(0, &node));
	EXPECT_EQ(WASP_NODE_AUTO, node);
	/* Errors come back as -1 and errno, as from the system call. */
	EXPECT_EQ(-1, wasp_steer(0, 62));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, wasp_replicate(-5, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, wasp_replicated_nodes(999999));
	EXPECT_EQ(ESRCH, errno);
}

/* The launcher's program runs replicated from its first instruction. */
TEST_F(iface, launcher_replicates_the_program)
{
	char cmd[PATH_MAX + 256], out[4096];

	snprintf(cmd, sizeof(cmd),
		 "%s/libwasp/wasp-run -- sh -c 'grep VmPTRepl: /proc/self/status'", built);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
	EXPECT_LT(0, first_number_after(out, "VmPTRepl:")) TH_LOG("%s", out);

	/* The same through numactl, as Mitosis's numactl --pgtablerepl. */
	if (!run("command -v numactl", NULL, 0)) {
		snprintf(cmd, sizeof(cmd),
			 "%s/libwasp/wasp-run --cpunodebind=0 --membind 0 --pgtablerepl=all "
			 "sh -c 'grep VmPTRepl: /proc/self/status'", built);
		ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_LT(0, first_number_after(out, "VmPTRepl:")) TH_LOG("%s", out);
	}
	if (self->nodes > 1) {
		snprintf(cmd, sizeof(cmd),
			 "%s/libwasp/wasp-run --steer=1 cat /sys/kernel/debug/pgtable_repl/cr3",
			 built);
		ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
		EXPECT_STREQ("1 copy\n", out);
	}
}

/* Bad input: one clear line and a status, never a crash. */
TEST_F(iface, launcher_refuses_clearly)
{
	char cmd[PATH_MAX + 256], out[4096];

	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run --pgtablerepl=0 true 2>&1", built);
	EXPECT_EQ(2, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "node 0 alone")) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run --pgtablerepl=0,62 true 2>&1", built);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "cannot replicate")) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run /nonexistent 2>&1", built);
	EXPECT_EQ(127, run(cmd, out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run 2>&1", built);
	EXPECT_EQ(2, run(cmd, out, sizeof(out)));
	/* Without inheritance exec() would drop the replication: refused. */
	ASSERT_EQ(0, write_file(INHERIT_PATH, "-1"));
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run true 2>&1", built);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "mitosis_inherit")) TH_LOG("%s", out);
	ASSERT_EQ(0, write_file(INHERIT_PATH, "1"));
}

/* A home node for the page tables, set and read back, kept across exec. */
TEST_F(iface, library_and_launcher_place_the_page_tables)
{
	char cmd[PATH_MAX + 256], out[4096];
	int node = 0, last = self->nodes - 1, fd;
	ssize_t len;

	if (access("/proc/sys/kernel/pgtable_replication", F_OK))
		SKIP(return, "no page-table placement in this kernel");
	ASSERT_EQ(0, wasp_set_pgtable_home(0, last));
	ASSERT_EQ(0, wasp_pgtable_home(0, &node));
	EXPECT_EQ(last, node);
	ASSERT_EQ(0, wasp_set_pgtable_home(0, WASP_NODE_AUTO));
	ASSERT_EQ(0, wasp_pgtable_home(0, &node));
	EXPECT_EQ(WASP_NODE_AUTO, node);
	EXPECT_EQ(-1, wasp_set_pgtable_home(0, 62));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, wasp_pgtable_home(999999, &node));
	EXPECT_EQ(ESRCH, errno);
	/* Moved: every table of this process on the last node. */
	ASSERT_EQ(0, wasp_move_pgtables(0, last));
	fd = open("/proc/self/pgtable_numa", O_RDONLY);
	ASSERT_LE(0, fd);
	len = read(fd, out, sizeof(out) - 1);
	close(fd);
	ASSERT_LT(0, len);
	out[len] = '\0';
	EXPECT_LT(0, tables_on(out, last)) TH_LOG("%s", out);
	for (node = 0; node < last; node++)
		EXPECT_EQ(0, tables_on(out, node)) TH_LOG("%s", out);
	EXPECT_EQ(-1, wasp_move_pgtables(0, WASP_NODE_AUTO));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, wasp_set_pgtable_home(0, WASP_NODE_AUTO));

	/* Placed, not replicated: the program's status says so. */
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run --pgtable-home=%d -- "
		 "sh -c 'grep -e PgtableHome: -e VmPTRepl: /proc/self/status'", built, last);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
	EXPECT_EQ(last, first_number_after(out, "PgtableHome:")) TH_LOG("%s", out);
	EXPECT_EQ(0, first_number_after(out, "VmPTRepl:")) TH_LOG("%s", out);
	/* Both: placed and replicated. */
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run -H %d --pgtablerepl=all -- "
		 "sh -c 'grep -e PgtableHome: -e VmPTRepl: /proc/self/status'", built, last);
	ASSERT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", cmd, out);
	EXPECT_EQ(last, first_number_after(out, "PgtableHome:")) TH_LOG("%s", out);
	EXPECT_LT(0, first_number_after(out, "VmPTRepl:")) TH_LOG("%s", out);
	/* Refused clearly. */
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run --pgtable-home=62 true 2>&1", built);
	EXPECT_EQ(1, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "cannot place")) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s/libwasp/wasp-run --pgtable-home=one true 2>&1", built);
	EXPECT_EQ(2, run(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad node")) TH_LOG("%s", out);
}

/* Under KASAN on TCG the examples take about 15 s together. */
TEST_F_TIMEOUT(iface, examples_run, 120)
{
	static const char * const examples[] = { "enable_self", "steer_threads", "read_status" };
	char cmd[PATH_MAX + 64], out[8192];
	unsigned int i;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s/examples/%s 2>&1", built, examples[i]);
		EXPECT_EQ(0, run(cmd, out, sizeof(out))) TH_LOG("%s: %s", examples[i], out);
	}
	snprintf(cmd, sizeof(cmd), "%s/examples/read_status", built);
	ASSERT_EQ(0, run(cmd, out, sizeof(out)));
	/* The example's own block in the README-format report. */
	EXPECT_NE(NULL, strstr(out, "CR3 writes:")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, " (read_status): nodes=")) TH_LOG("%s", out);
	EXPECT_LT(0, first_number_after(out, "VmPTRepl:")) TH_LOG("%s", out);
}

int main(int argc, char **argv)
{
	char self_path[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	if (len > 0) {
		self_path[len] = '\0';
		/* this program is in <built>/wasp/ */
		snprintf(built, sizeof(built), "%s/..", dirname(self_path));
	}
	return test_harness_run(argc, argv);
}
