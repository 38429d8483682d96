// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Builds a /proc and /sys tree under a temporary root for ProcFs. */
public final class FakeProc {
    private final Path root;

    public FakeProc(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A stat line with the given comm, flags, thread count and last CPU, and zeros elsewhere. */
    public static String statLine(int pid, String comm, long flags, int threads, int cpu) {
        String[] rest = new String[50];
        Arrays.fill(rest, "0");
        rest[0] = "S";
        rest[6] = Long.toString(flags);
        rest[17] = Integer.toString(threads);
        rest[36] = Integer.toString(cpu);
        return pid + " (" + comm + ") " + String.join(" ", rest) + "\n";
    }

    public static String statLine(int pid, String comm, long flags, int cpu) {
        return statLine(pid, comm, flags, 1, cpu);
    }

    /** A process with threads {@code tids} (the first is usually pid itself), all last on {@code cpu}. */
    public FakeProc process(int pid, String comm, int cpu, int... tids) {
        write("proc/" + pid + "/stat", statLine(pid, comm, 0, tids.length, cpu));
        for (int tid : tids) {
            thread(pid, tid, comm, cpu);
        }
        return this;
    }

    /** Adds or updates a thread; the process's thread count follows its task directory. */
    public FakeProc thread(int pid, int tid, String comm, int cpu) {
        write("proc/" + pid + "/task/" + tid + "/stat", statLine(tid, comm, 0, cpu));
        return countThreads(pid);
    }

    /** A thread that exited: gone from the task directory and from the thread count. */
    public FakeProc exitThread(int pid, int tid) {
        Path dir = root.resolve("proc/" + pid + "/task/" + tid);
        dir.resolve("stat").toFile().delete();
        dir.toFile().delete();
        return countThreads(pid);
    }

    /**
     * Rewrites field 20 (num_threads) of the process's stat and of its leader's with the entries
     * of its task directory, as the kernel reports the thread count in both.
     */
    private FakeProc countThreads(int pid) {
        String[] task = root.resolve("proc/" + pid + "/task").toFile().list();
        if (task == null) {
            return this;
        }
        for (Path stat : new Path[] {root.resolve("proc/" + pid + "/stat"),
            root.resolve("proc/" + pid + "/task/" + pid + "/stat")}) {
            if (!Files.exists(stat)) {
                continue;
            }
            try {
                String line = Files.readString(stat);
                int close = line.lastIndexOf(')');
                String[] rest = line.substring(close + 2).trim().split(" ");
                rest[17] = Integer.toString(task.length);
                Files.writeString(stat, line.substring(0, close + 2) + String.join(" ", rest) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    /**
     * Sets the start time (field 22) of thread {@code tid} of {@code pid}, and for the leader
     * ({@code tid == pid}) the process's too: a new start time is a new task with the same id.
     */
    public FakeProc startTime(int pid, int tid, long ticks) {
        List<Path> files = new java.util.ArrayList<>(List.of(root.resolve("proc/" + pid + "/task/" + tid + "/stat")));
        if (tid == pid) {
            files.add(root.resolve("proc/" + pid + "/stat"));
        }
        for (Path stat : files) {
            if (!Files.exists(stat)) {
                continue;
            }
            try {
                String line = Files.readString(stat);
                int close = line.lastIndexOf(')');
                String[] rest = line.substring(close + 2).trim().split(" ");
                rest[19] = Long.toString(ticks);
                Files.writeString(stat, line.substring(0, close + 2) + String.join(" ", rest) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return this;
    }

    public FakeProc kernelThread(int pid, String comm) {
        write("proc/" + pid + "/stat", statLine(pid, comm, 0x00200000L, 0));
        write("proc/" + pid + "/task/" + pid + "/stat", statLine(pid, comm, 0x00200000L, 0));
        return this;
    }

    /** A thread that is listed but whose files are gone (it exited between listing and reading). */
    public FakeProc vanishingThread(int pid, int tid) {
        try {
            Files.createDirectories(root.resolve("proc/" + pid + "/task/" + tid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return countThreads(pid);
    }

    public FakeProc kill(int pid) {
        Path dir = root.resolve("proc/" + pid);
        if (!Files.exists(dir)) {
            return this;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Nodes with CPUs "0-1", "2-3", ... and memory on each. */
    public FakeProc nodes(String... cpulists) {
        for (int n = 0; n < cpulists.length; n++) {
            write("sys/devices/system/node/node" + n + "/cpulist", cpulists[n] + "\n");
            write("sys/devices/system/node/node" + n + "/meminfo", "Node " + n + " MemTotal:       1048576 kB\n");
        }
        write("sys/devices/system/node/has_memory", "0-" + (cpulists.length - 1) + "\n");
        return this;
    }

    /**
     * The kernel's last allocated pid, as /proc/loadavg gives it, and a /proc/self naming this
     * JVM, so that ProcFs takes the tree for its own pid namespace and believes the field.
     */
    public FakeProc lastPid(long pid) {
        write("proc/loadavg", "0.10 0.20 0.30 1/123 " + pid + "\n");
        Path self = root.resolve("proc/self");
        try {
            if (!Files.isSymbolicLink(self)) {
                Files.createSymbolicLink(self, Path.of(Long.toString(ProcessHandle.current().pid())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public FakeProc mitosisStatus(String text) {
        write("proc/pgtable_repl", text);
        return this;
    }

    public FakeProc write(String rel, String content) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
