// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

/** System call numbers that glibc does not wrap, per architecture; and WASP's prctl options. */
public final class Syscalls {
    private Syscalls() {
    }

    public static final boolean ARM64 = "aarch64".equals(System.getProperty("os.arch"));

    /** 298 on x86-64, 241 on arm64. */
    public static final long PERF_EVENT_OPEN = ARM64 ? 241 : 298;
    /** 237 on x86-64, 235 on arm64. */
    public static final long MBIND = ARM64 ? 235 : 237;
    /** 186 on x86-64, 178 on arm64. */
    public static final long GETTID = ARM64 ? 178 : 186;

    /** WASP prctl options (kernel-patches/): set/get replication of a process, force/get a thread's replica node. */
    public static final int PR_SET_PGTABLE_REPL = 100;
    public static final int PR_GET_PGTABLE_REPL = 101;
    public static final int PR_SET_PGTABLE_REPL_NODE = 102;
    public static final int PR_GET_PGTABLE_REPL_NODE = 103;
    /** Set/get the home node of a process's page tables (kernel patches 0017, 0019). */
    public static final int PR_SET_PGTABLE_HOME = 104;
    public static final int PR_GET_PGTABLE_HOME = 105;
    /** PR_SET_PGTABLE_HOME's arg4: also move the tables the process has. */
    public static final long PR_PGTABLE_HOME_MOVE = 1;
    /** PR_GET_PGTABLE_REPL's arg3 when arg2 names a process (without it: the caller). */
    public static final long PR_PGTABLE_REPL_PID = 0x70696421L;

    /** perf_event_open flag: close-on-exec descriptor. */
    public static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;

    /** mbind mode. */
    public static final int MPOL_BIND = 2;
    /** mbind flags: move pages already present that do not follow the policy. */
    public static final int MPOL_MF_STRICT = 1;
    public static final int MPOL_MF_MOVE = 1 << 1;
}
