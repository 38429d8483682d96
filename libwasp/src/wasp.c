// SPDX-License-Identifier: LGPL-2.1-or-later
/* libwasp: see wasp.h and libwasp(3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "../include/wasp.h"

/* prctl() with every unused argument zero, as the kernel requires. */
static long wasp_prctl(int option, unsigned long a2, unsigned long a3)
{
	return prctl(option, a2, a3, 0UL, 0UL);
}

int wasp_replicate(pid_t pid, unsigned long nodes)
{
	if (pid < 0) {
		errno = EINVAL;
		return -1;
	}
	return wasp_prctl(PR_SET_PGTABLE_REPL, nodes, (unsigned long)pid) ? -1 : 0;
}

int wasp_unreplicate(pid_t pid)
{
	return wasp_replicate(pid, 0);
}

long wasp_replicated_nodes(pid_t pid)
{
	if (pid < 0) {
		errno = EINVAL;
		return -1;
	}
	return wasp_prctl(PR_GET_PGTABLE_REPL, (unsigned long)pid, PR_PGTABLE_REPL_PID);
}

int wasp_steer(pid_t tid, int node)
{
	if (tid < 0 || node < WASP_NODE_AUTO) {
		errno = EINVAL;
		return -1;
	}
	/* The node as the kernel's long: -1 stays -1 (not 0xffffffff). */
	return wasp_prctl(PR_SET_PGTABLE_REPL_NODE, (unsigned long)(long)node,
			  (unsigned long)tid) ? -1 : 0;
}

int wasp_steered_node(pid_t tid, int *node)
{
	long ret;

	if (tid < 0 || !node) {
		errno = EINVAL;
		return -1;
	}
	ret = wasp_prctl(PR_GET_PGTABLE_REPL_NODE, (unsigned long)tid, 0);
	/*
	 * "Not steered" is -1, which as a system call's return value reads
	 * as -EPERM. It is that answer when the caller may read the thread:
	 * PR_GET_PGTABLE_REPL checks the same right.
	 */
	if (ret == -1 && errno == EPERM &&
	    wasp_prctl(PR_GET_PGTABLE_REPL, (unsigned long)tid, PR_PGTABLE_REPL_PID) >= 0)
		ret = WASP_NODE_AUTO;
	else if (ret == -1)
		return -1;
	*node = (int)ret;
	return 0;
}

int wasp_set_pgtable_home(pid_t pid, int node)
{
	if (pid < 0 || node < WASP_NODE_AUTO) {
		errno = EINVAL;
		return -1;
	}
	return wasp_prctl(PR_SET_PGTABLE_HOME, (unsigned long)(long)node,
			  (unsigned long)pid) ? -1 : 0;
}

int wasp_move_pgtables(pid_t pid, int node)
{
	if (pid < 0 || node < 0) {
		errno = EINVAL;
		return -1;
	}
	return prctl(PR_SET_PGTABLE_HOME, (unsigned long)(long)node,
		     (unsigned long)pid, PR_PGTABLE_HOME_MOVE, 0UL) ? -1 : 0;
}

int wasp_pgtable_home(pid_t pid, int *node)
{
	long ret;

	if (pid < 0 || !node) {
		errno = EINVAL;
		return -1;
	}
	ret = wasp_prctl(PR_GET_PGTABLE_HOME, (unsigned long)pid, 0);
	/* "No home" is -1, read as -EPERM: see wasp_steered_node(). */
	if (ret == -1 && errno == EPERM &&
	    wasp_prctl(PR_GET_PGTABLE_REPL, (unsigned long)pid, PR_PGTABLE_REPL_PID) >= 0)
		ret = WASP_NODE_AUTO;
	else if (ret == -1)
		return -1;
	*node = (int)ret;
	return 0;
}

int wasp_parse_nodes(const char *spec, unsigned long *nodes)
{
	unsigned long mask = 0;
	const char *s = spec;
	char *end;
	long lo, hi;

	if (!spec || !nodes || !*spec)
		goto inval;
	if (!strcmp(spec, "all")) {
		*nodes = WASP_ALL_NODES;
		return 0;
	}
	for (;;) {
		lo = strtol(s, &end, 10);
		if (end == s || lo < 0 || lo > 62)
			goto inval;
		hi = lo;
		if (*end == '-') {
			s = end + 1;
			hi = strtol(s, &end, 10);
			if (end == s || hi < lo || hi > 62)
				goto inval;
		}
		for (; lo <= hi; lo++)
			mask |= 1UL << lo;
		if (!*end)
			break;
		if (*end != ',')
			goto inval;
		s = end + 1;
	}
	/* Node 0 alone reads as "all nodes" to the kernel. */
	if (mask == 1)
		goto inval;
	*nodes = mask;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}
