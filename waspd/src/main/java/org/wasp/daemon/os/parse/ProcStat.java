// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.nio.ByteBuffer;

/**
 * The fields waspd uses from /proc/PID/stat or /proc/PID/task/TID/stat.
 *
 * @param flags      task flags (field 9); {@link #KTHREAD} marks kernel threads
 * @param numThreads threads of the process (field 20)
 * @param startTime  when the task started, in clock ticks after boot (field 22): with the pid, it
 *                   names one process or thread for good, as a pid alone does not once reused
 * @param processor  CPU the task last ran on (field 39)
 * @param cpuTicks   CPU time it used, user and system, in clock ticks (fields 14 and 15)
 */
public record ProcStat(int pid, String comm, char state, long flags, int numThreads, long startTime, int processor,
                       long cpuTicks) {
    public static final long KTHREAD = 0x00200000L;

    public boolean kernelThread() {
        return (flags & KTHREAD) != 0;
    }

    /**
     * Field 39 (the CPU the task last ran on) of the stat line in {@code b} (position to
     * limit), read in place: the steering pass's per-thread read, with no String made.
     *
     * @throws IllegalArgumentException when it is not a whole stat line
     */
    public static int processor(ByteBuffer b) {
        int end = b.limit();
        int close = -1;
        for (int i = end - 1; i >= b.position(); i--) {
            if (b.get(i) == ')') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            throw new IllegalArgumentException("not a stat line");
        }
        int field = 2;
        int i = close + 1;
        while (i < end) {
            while (i < end && b.get(i) == ' ') {
                i++;
            }
            if (i >= end || b.get(i) == '\n') {
                break;
            }
            field++;
            if (field == 39) {
                int v = 0;
                boolean digits = false;
                for (; i < end && b.get(i) >= '0' && b.get(i) <= '9'; i++) {
                    v = v * 10 + (b.get(i) - '0');
                    digits = true;
                }
                if (!digits) {
                    break;
                }
                return v;
            }
            while (i < end && b.get(i) != ' ' && b.get(i) != '\n') {
                i++;
            }
        }
        throw new IllegalArgumentException("short stat line: " + (field - 2) + " fields after comm");
    }

    /**
     * Parses one stat line. comm may hold spaces and parentheses, so it runs from the first
     * '(' to the last ')'. Scans the fields in place (no split): in full mode this runs for
     * many threads every interval.
     */
    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a stat line: " + line);
        }
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        // Field 3 (state) is the first after comm; fields are separated by runs of blanks.
        char state = 0;
        long flags = 0;
        int numThreads = 0;
        long startTime = 0;
        int processor = 0;
        long cpuTicks = 0;
        int field = 2;
        int i = close + 1;
        int n = line.length();
        while (field < 39) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                throw new IllegalArgumentException("short stat line for pid " + pid + ": " + (field - 2)
                        + " fields after comm");
            }
            int start = i;
            while (i < n && line.charAt(i) != ' ') {
                i++;
            }
            field++;
            if (field == 3) {
                state = line.charAt(start);
            } else if (field == 9) {
                flags = Long.parseLong(line, start, i, 10);
            } else if (field == 14 || field == 15) {
                cpuTicks += Long.parseLong(line, start, i, 10);
            } else if (field == 20) {
                numThreads = Integer.parseInt(line, start, i, 10);
            } else if (field == 22) {
                startTime = Long.parseLong(line, start, i, 10);
            } else if (field == 39) {
                processor = Integer.parseInt(line, start, i, 10);
            }
        }
        return new ProcStat(pid, comm, state, flags, numThreads, startTime, processor, cpuTicks);
    }
}
