// SPDX-License-Identifier: GPL-2.0-only
/*
 * wasp-run: start a program with its page tables replicated, as Mitosis's
 * "numactl --pgtablerepl" does, or placed on a home node. The launcher
 * replicates (or places) itself, then executes the program (through
 * numactl when numactl options are given): with kernel.mitosis_inherit=1
 * exec() replicates the new address space as the old one was, and it
 * always keeps the home node, so the program is replicated or placed from
 * its first instruction, and its children as well. See wasp-run(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasp.h"

#define INHERIT_PATH	"/proc/sys/kernel/mitosis_inherit"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: wasp-run [--pgtablerepl=NODES] [--steer=NODE] [--pgtable-home=NODE]\n"
		"                [numactl options] [--] PROGRAM [ARG...]\n"
		"  -r, --pgtablerepl=NODES  replicate the page tables on NODES: all (default\n"
		"                           without --pgtable-home), or a list such as 0,1 or\n"
		"                           0-3 (not node 0 alone)\n"
		"  -s, --steer=NODE         the program's first thread walks NODE's copy\n"
		"  -H, --pgtable-home=NODE  allocate the program's page tables on NODE (alone:\n"
		"                           no replication)\n"
		"  -h, --help               this text\n"
		"Any other option (--cpunodebind=0,1, --membind=0,1, ...) goes to numactl(8),\n"
		"which then starts PROGRAM: numactl --pgtablerepl=all ./app becomes\n"
		"wasp-run --pgtablerepl=all ./app.\n");
}

/* Why the kernel refused, in words. */
static const char *why(int err)
{
	switch (err) {
	case EINVAL:
		return "the kernel has no page-table replication, or NODES names a node without "
		       "memory or CPUs or outside this cpuset";
	case EOPNOTSUPP:
		return "this kernel cannot replicate page tables here (Xen PV guest)";
	case ENOMEM:
		return "no memory for the page-table copies";
	case EBUSY:
		return "this process shares hugetlb page tables with another";
	default:
		return strerror(err);
	}
}

/* An option's value: "--opt=VAL", or "--opt VAL" / "-o VAL" (advances *i). */
static const char *opt_value(int argc, char **argv, int *i, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* numactl's options that take a value as the next argument. */
static int numactl_takes_value(const char *a)
{
	static const char * const opts[] = {
		"-N", "--cpunodebind", "--cpubind", "-m", "--membind", "-p",
		"--preferred", "-P", "--preferred-many", "-i", "--interleave",
		"-w", "--weighted-interleave", "-C", "--physcpubind", NULL,
	};
	int k;

	for (k = 0; opts[k]; k++)
		if (!strcmp(a, opts[k]))
			return 1;
	return 0;
}

static int inherit_on(void)
{
	char buf[16] = "";
	FILE *f = fopen(INHERIT_PATH, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return atoi(buf) == 1;
}

/* A node number for --steer or --pgtable-home; -1 if bad. */
static int parse_node(const char *spec)
{
	char *end;
	long node = strtol(spec, &end, 10);

	return *end || end == spec || node < 0 || node > 4095 ? -1 : (int)node;
}

int main(int argc, char **argv)
{
	const char *nodes_spec = NULL, *steer_spec = NULL, *home_spec = NULL, *val;
	char **numactl_args, **prog;
	unsigned long nodes;
	int i, n = 0, node = WASP_NODE_AUTO, home = WASP_NODE_AUTO, inherit;

	numactl_args = calloc(argc + 2, sizeof(*numactl_args));
	if (!numactl_args)
		return 1;
	numactl_args[n++] = "numactl";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strncmp(a, "--pgtablerepl", 13) && (!a[13] || a[13] == '=')) {
			val = opt_value(argc, argv, &i, a);
		} else if (!strcmp(a, "-r")) {
			val = opt_value(argc, argv, &i, a);
		} else if ((!strncmp(a, "--steer", 7) && (!a[7] || a[7] == '=')) ||
			   !strcmp(a, "-s")) {
			steer_spec = opt_value(argc, argv, &i, a);
			if (!steer_spec)
				goto missing;
			continue;
		} else if ((!strncmp(a, "--pgtable-home", 14) && (!a[14] || a[14] == '=')) ||
			   !strcmp(a, "-H")) {
			home_spec = opt_value(argc, argv, &i, a);
			if (!home_spec)
				goto missing;
			continue;
		} else {
			numactl_args[n++] = argv[i];	/* numactl's */
			if (numactl_takes_value(a) && i + 1 < argc)
				numactl_args[n++] = argv[++i];
			continue;
		}
		if (!val)
			goto missing;
		nodes_spec = val;
	}
	if (i >= argc) {
		fprintf(stderr, "wasp-run: no program to run\n");
		usage(stderr);
		return 2;
	}
	prog = &argv[i];

	/* Replication unless only a home node is asked for. */
	if (!nodes_spec && (!home_spec || steer_spec))
		nodes_spec = "all";
	if (nodes_spec && wasp_parse_nodes(nodes_spec, &nodes)) {
		fprintf(stderr, "wasp-run: bad node set '%s': all, or a list such as 0,1 or 0-3%s\n",
			nodes_spec, strcmp(nodes_spec, "0") ? "" :
			" (node 0 alone cannot be asked for: mask 1 means all nodes)");
		return 2;
	}
	if (steer_spec) {
		node = parse_node(steer_spec);
		if (node < 0) {
			fprintf(stderr, "wasp-run: bad node '%s' for --steer\n", steer_spec);
			return 2;
		}
	}
	if (home_spec) {
		home = parse_node(home_spec);
		if (home < 0) {
			fprintf(stderr, "wasp-run: bad node '%s' for --pgtable-home\n", home_spec);
			return 2;
		}
		if (wasp_set_pgtable_home(0, home)) {
			fprintf(stderr, "wasp-run: cannot place the page tables on node %d: %s\n",
				home, errno == EINVAL ? "the kernel has no page-table placement, or the "
				"node has no memory for page tables or is outside this cpuset" :
				strerror(errno));
			return 1;
		}
	}
	if (!nodes_spec)
		goto run;
	inherit = inherit_on();
	if (inherit < 0) {
		fprintf(stderr, "wasp-run: no %s: this kernel has no page-table replication\n",
			INHERIT_PATH);
		return 1;
	}
	if (!inherit) {
		fprintf(stderr, "wasp-run: kernel.mitosis_inherit is off, so exec() would drop the "
			"replication; turn it on: sysctl kernel.mitosis_inherit=1\n");
		return 1;
	}
	if (wasp_replicate(0, nodes)) {
		fprintf(stderr, "wasp-run: cannot replicate on '%s': %s\n", nodes_spec, why(errno));
		return 1;
	}
	if (steer_spec && wasp_steer(0, node)) {
		fprintf(stderr, "wasp-run: cannot steer to node %d: %s\n", node,
			errno == EINVAL ? "not one of the replicated nodes" : strerror(errno));
		return 1;
	}
run:
	if (n > 1) {
		numactl_args[n++] = "--";
		memcpy(&numactl_args[n], prog, (argc - i + 1) * sizeof(*prog));
		execvp("numactl", numactl_args);
		fprintf(stderr, "wasp-run: cannot run numactl (for %s): %s\n",
			numactl_args[1], strerror(errno));
		return 127;
	}
	execvp(prog[0], prog);
	fprintf(stderr, "wasp-run: cannot run %s: %s\n", prog[0], strerror(errno));
	return 127;
missing:
	fprintf(stderr, "wasp-run: %s needs a value\n", argv[i]);
	return 2;
}
