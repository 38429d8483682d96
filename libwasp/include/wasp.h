/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libwasp: page-table replication (WASP kernel, Mitosis interface) for
 * applications. Thin wrappers around prctl(2) options 100-105; errors are
 * returned as -1 with errno set, as the system calls do.
 */
#ifndef WASP_H
#define WASP_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef PR_SET_PGTABLE_REPL
#define PR_SET_PGTABLE_REPL		100
#define PR_GET_PGTABLE_REPL		101
#define PR_SET_PGTABLE_REPL_NODE	102
#define PR_GET_PGTABLE_REPL_NODE	103
#endif
#ifndef PR_SET_PGTABLE_HOME
#define PR_SET_PGTABLE_HOME		104
#define PR_GET_PGTABLE_HOME		105
#endif
#ifndef PR_PGTABLE_HOME_MOVE
/* PR_SET_PGTABLE_HOME's arg4: move the tables the process has too. */
#define PR_PGTABLE_HOME_MOVE		1UL
#endif
#ifndef PR_PGTABLE_REPL_PID
/* PR_GET_PGTABLE_REPL's arg3 when arg2 names a process. */
#define PR_PGTABLE_REPL_PID		0x70696421UL
#endif

/* A node mask naming every node that can hold copies. */
#define WASP_ALL_NODES	1UL
/* No steering: a thread walks the copy of the node it runs on. */
#define WASP_NODE_AUTO	(-1)

/*
 * Replicate the page tables of process @pid (0: the caller) on @nodes, a
 * mask with bit n for node n, or WASP_ALL_NODES; 0 turns replication off.
 */
int wasp_replicate(pid_t pid, unsigned long nodes);

/* Turn replication of @pid (0: the caller) off. */
int wasp_unreplicate(pid_t pid);

/* The node mask @pid (0: the caller) is replicated on, 0 if none. */
long wasp_replicated_nodes(pid_t pid);

/* Make thread @tid (0: the caller) walk @node's copy, or WASP_NODE_AUTO. */
int wasp_steer(pid_t tid, int node);

/* The node thread @tid (0: the caller) is steered to, in *@node. */
int wasp_steered_node(pid_t tid, int *node);

/*
 * Allocate every page table of process @pid (0: the caller) from now on
 * on @node, or as the kernel would (WASP_NODE_AUTO). Kept across fork()
 * and exec().
 */
int wasp_set_pgtable_home(pid_t pid, int node);

/*
 * Make @node the home of process @pid's page tables (0: the caller) and
 * move the tables it has there now; on error nothing changed.
 */
int wasp_move_pgtables(pid_t pid, int node);

/* The home node of @pid's page tables (0: the caller), in *@node. */
int wasp_pgtable_home(pid_t pid, int *node);

/*
 * Parse a node set as numactl writes it ("all", "0,2", "0-3", "1-2,5")
 * into a mask for wasp_replicate(). Fails with EINVAL on bad syntax, on
 * nodes above 62, and on node 0 alone: mask 1 means all nodes.
 */
int wasp_parse_nodes(const char *spec, unsigned long *nodes);

#ifdef __cplusplus
}
#endif

#endif /* WASP_H */
