// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

/**
 * The fields waspd uses from /proc/PID/stat or /proc/PID/task/TID/stat.
 *
 * @param processor CPU the task last ran on (field 39)
 * @param flags     task flags (field 9); {@link #KTHREAD} marks kernel threads
 */
public record ProcStat(int pid, String comm, char state, long flags, int processor) {
    public static final long KTHREAD = 0x00200000L;

    public boolean kernelThread() {
        return (flags & KTHREAD) != 0;
    }

    /**
     * Parses one stat line. comm may hold spaces and parentheses, so it runs from the first
     * '(' to the last ')'.
     */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a stat line: " + line);
        }
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        String[] rest = line.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3 (state), so field n is rest[n - 3].
        if (rest.length < 37) {
            throw new IllegalArgumentException("short stat line for pid " + pid + ": " + rest.length + " fields after comm");
        }
        return new ProcStat(pid, comm, rest[0].charAt(0), Long.parseLong(rest[6]), Integer.parseInt(rest[36]));
    }
}
