// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.os.parse.MitosisStatus;
import org.wasp.daemon.os.parse.NodeMeminfo;
import org.wasp.daemon.os.parse.PgtableNuma;
import org.wasp.daemon.os.parse.ProcStat;

/**
 * Reads /proc and /sys below a root directory ("/" in production, a fixture tree in tests).
 * Reading is here; parsing is in {@code os.parse}. A process or thread that vanishes while
 * being read gives an empty result, never an exception.
 */
public class ProcFs {
    private static final int FIRST_LINE_MAX = 1 << 20;
    private static final Pattern NODE_DIR = Pattern.compile("node(\\d+)");
    private final Path root;
    /** firstLine's buffer: large enough for any stat line. */
    private final byte[] lineBuf = new byte[4096];
    /** The buffer the kept stat files read into, one at a time (the steering thread's). */
    private final ByteBuffer statBuf = ByteBuffer.allocateDirect(4096);
    /** Whether this /proc is of the daemon's pid namespace ({@link #lastPid}); null until checked. */
    private Boolean ownPidNamespace;

    public ProcFs(Path root) {
        this.root = root;
    }

    public static ProcFs system() {
        return new ProcFs(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** Process ids in /proc. */
    public List<Integer> pids() {
        return numericEntries(root.resolve("proc"));
    }

    /**
     * The pid the kernel allocated last (the fifth field of /proc/loadavg), or -1 when unknown.
     * Every new process and every new thread takes a pid, so while this stays the same nothing
     * has been created, and the daemon need not list /proc or a process's tasks again. Only when
     * this /proc shows the daemon's own pid namespace (its /proc/self is its own pid): the field
     * is the reader's namespace's, and in another namespace it would miss the processes this
     * /proc lists.
     */
    public long lastPid() {
        if (ownPidNamespace == null) {
            try {
                String self = Files.readSymbolicLink(root.resolve("proc/self")).toString();
                ownPidNamespace = self.equals(Long.toString(ProcessHandle.current().pid()));
            } catch (IOException | UnsupportedOperationException e) {
                ownPidNamespace = false;
            }
        }
        if (!ownPidNamespace) {
            return -1;
        }
        return firstLine(root.resolve("proc/loadavg")).map(ProcFs::loadavgLastPid).orElse(-1L);
    }

    /** The last field of a /proc/loadavg line, "0.00 0.01 0.05 1/123 4567"; -1 if malformed. */
    static long loadavgLastPid(String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 5) {
            return -1;
        }
        try {
            return Long.parseLong(f[4]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Thread ids of {@code pid}; empty if it vanished. */
    public List<Integer> tasks(int pid) {
        return numericEntries(root.resolve("proc").resolve(Integer.toString(pid)).resolve("task"));
    }

    /**
     * The process's stat as its thread-group leader's, /proc/PID/task/PID/stat: the same comm,
     * state, flags, thread count and CPU as /proc/PID/stat, without the kernel summing the times
     * and faults of every thread (which /proc/PID/stat does, under the process's signal lock: 30
     * instead of 7 µs for a process with 1,000 threads, and this is read for every process every
     * interval).
     */
    public Optional<ProcStat> stat(int pid) {
        return firstLine(root.resolve("proc/" + pid + "/task/" + pid + "/stat")).map(ProcStat::parse);
    }

    public Optional<ProcStat> taskStat(int pid, int tid) {
        return firstLine(root.resolve("proc/" + pid + "/task/" + tid + "/stat")).map(ProcStat::parse);
    }

    /**
     * Opens thread {@code tid}'s stat file to be read again and again ({@link TaskStatFile});
     * empty when it cannot be opened (the thread is gone, or no descriptor is left).
     */
    public Optional<TaskStatFile> openTaskStat(int pid, int tid) {
        try {
            FileChannel ch = FileChannel.open(root.resolve("proc/" + pid + "/task/" + tid + "/stat"),
                    StandardOpenOption.READ);
            return Optional.of(new KeptTaskStat(ch, statBuf));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * Where process {@code pid}'s page tables are, pages per node (/proc/PID/pgtable_numa: the
     * kernel walks them when it is read). Empty when the process is gone or the kernel has no
     * such file.
     */
    public Map<Integer, Long> pageTableNodes(int pid) {
        return lines(root.resolve("proc/" + pid + "/pgtable_numa")).map(PgtableNuma::tables).orElse(Map.of());
    }

    /**
     * /proc/pgtable_repl, the replication status for tools; on kernels before it existed
     * /proc/mitosis_status had that format. Empty when the kernel has neither.
     */
    public Optional<MitosisStatus> mitosisStatus() {
        Optional<List<String>> table = lines(root.resolve("proc/pgtable_repl"));
        return (table.isPresent() ? table : lines(root.resolve("proc/mitosis_status"))).map(MitosisStatus::parse);
    }

    /**
     * Node layout from /sys/devices/system/node. Without node directories (a kernel without
     * NUMA) there is one node 0 with the online CPUs.
     */
    public Topology topology() {
        Path nodeDir = root.resolve("sys/devices/system/node");
        TreeMap<Integer, BitSet> cpus = new TreeMap<>();
        TreeMap<Integer, Long> memKb = new TreeMap<>();
        for (Path p : list(nodeDir)) {
            Matcher m = NODE_DIR.matcher(p.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            int node = Integer.parseInt(m.group(1));
            cpus.put(node, firstLine(p.resolve("cpulist")).map(CpuList::parse).orElseGet(BitSet::new));
            memKb.put(node, lines(p.resolve("meminfo")).map(NodeMeminfo::memTotalKb).orElse(0L));
        }
        if (cpus.isEmpty()) {
            BitSet online = firstLine(root.resolve("sys/devices/system/cpu/online")).map(CpuList::parse)
                    .orElseGet(() -> {
                        BitSet b = new BitSet();
                        b.set(0, Runtime.getRuntime().availableProcessors());
                        return b;
                    });
            return Topology.single(online);
        }
        BitSet mem = firstLine(nodeDir.resolve("has_memory")).map(CpuList::parse).orElseGet(() -> {
            BitSet b = new BitSet();
            memKb.forEach((n, kb) -> {
                if (kb > 0) {
                    b.set(n);
                }
            });
            return b;
        });
        return new Topology(cpus, mem);
    }

    /** The machine's memory (MemTotal of /proc/meminfo) in bytes, or 0 when unknown. */
    public long memTotalBytes() {
        try {
            return lines(root.resolve("proc/meminfo")).map(NodeMeminfo::machineMemTotalKb).orElse(0L) * 1024;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Size of the largest cache of CPU 0 (the last-level cache), or 0 when unknown. */
    public long lastLevelCacheBytes() {
        long best = 0;
        for (Path idx : list(root.resolve("sys/devices/system/cpu/cpu0/cache"))) {
            Optional<String> size = firstLine(idx.resolve("size"));
            if (size.isEmpty()) {
                continue;
            }
            best = Math.max(best, parseSize(size.get()));
        }
        return best;
    }

    static long parseSize(String s) {
        String t = s.trim();
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1024;
        } else if (t.endsWith("M")) {
            mult = 1024 * 1024;
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The numeric names in {@code dir}, ascending. Runs for /proc and for every watched
     * process's task directory each interval, so it lists plain names ({@link java.io.File#list()})
     * instead of building a {@link Path} per entry.
     */
    private static List<Integer> numericEntries(Path dir) {
        String[] names = dir.toFile().list();
        if (names == null) {
            // Directory gone (process exited) or unreadable.
            return new ArrayList<>();
        }
        int[] ids = new int[names.length];
        int n = 0;
        for (String name : names) {
            int id = parseId(name);
            if (id >= 0) {
                ids[n++] = id;
            }
        }
        Arrays.sort(ids, 0, n);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ids[i]);
        }
        return out;
    }

    /** A non-negative decimal id, or -1 when {@code s} is not one. */
    static int parseId(String s) {
        int len = s.length();
        if (len == 0 || len > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // Directory gone (process exited) or unreadable: whatever was read so far stands.
        }
        return out;
    }

    /**
     * The first line of a file, empty when it is missing, unreadable or empty. Reads bytes up
     * to the first line end rather than every line, into a reused buffer when the line fits:
     * in full mode this runs for many threads of every replicated process each interval
     * ({@link #taskStat}).
     */
    private Optional<String> firstLine(Path p) {
        synchronized (lineBuf) {
            int len = 0;
            try (InputStream in = new FileInputStream(p.toFile())) {
                int r;
                while (len < lineBuf.length && (r = in.read(lineBuf, len, lineBuf.length - len)) > 0) {
                    int end = lineEnd(lineBuf, len, len + r);
                    len += r;
                    if (end >= 0) {
                        return Optional.of(new String(lineBuf, 0, end, StandardCharsets.ISO_8859_1));
                    }
                }
                if (len == lineBuf.length) {
                    // Longer than the buffer: read the rest the slow way.
                    byte[] rest = in.readNBytes(FIRST_LINE_MAX);
                    byte[] all = Arrays.copyOf(lineBuf, len + rest.length);
                    System.arraycopy(rest, 0, all, len, rest.length);
                    int end = lineEnd(all, 0, all.length);
                    return Optional.of(new String(all, 0, end >= 0 ? end : all.length, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // Missing, or ESRCH from a dying task.
                return Optional.empty();
            }
            return len == 0 ? Optional.empty() : Optional.of(new String(lineBuf, 0, len, StandardCharsets.ISO_8859_1));
        }
    }

    /** Index of the first line end in {@code b[from, to)}, -1 when none. */
    private static int lineEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    private static Optional<List<String>> lines(Path p) {
        try {
            return Optional.of(Files.readAllLines(p, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // ESRCH surfaces as a generic IOException on /proc files of a dying task.
            return Optional.empty();
        }
    }
}
