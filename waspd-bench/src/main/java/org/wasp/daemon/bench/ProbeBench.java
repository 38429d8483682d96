// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import org.wasp.daemon.os.LinuxAffinity;
import org.wasp.daemon.os.LinuxMemoryBinding;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.probe.PointerChase;
import org.wasp.daemon.probe.PtlProbe;

/**
 * Benchmark entry point (not part of the daemon's command line): measures the PTL matrix
 * with exactly the daemon's {@link PtlProbe} on the real OS adapters, and can write the
 * probe's chain so that a C pointer chase follows the very same cycle
 * ({@code bench/ptl/run.sh}).
 *
 * <pre>
 * java -cp waspd.jar org.wasp.daemon.bench.ProbeBench [--buffer-mb MB] [--warmup N] [--steps N]
 *      [--trials N] [--no-touch-pages] [--matrices N] [--pause-ms MS] [--chain-out FILE] [--chunks N]
 * </pre>
 *
 * {@code --warmup}, {@code --steps} and {@code --trials} are the daemon's {@code --probe-warmup},
 * {@code --probe-steps} and {@code --probe-trials}, with the same defaults;
 * {@code --no-touch-pages} leaves out the warm-up's load per page (which the daemon always does).
 *
 * <p>{@code --chunks N} measures something else, the warm-up's reason: on one buffer of node 0,
 * pinned to the first CPU, chained and chased once, it repeats {@code --matrices} times: sleep
 * {@code --pause-ms}, the page pass (unless {@code --no-touch-pages}), then N back-to-back
 * timed chunks of {@code --steps} loads along the chain, and prints each chunk's median over
 * the repetitions ({@code chunk I NS}) and the page pass's median time ({@code touch_us}). {@code --pause-ms}
 * sleeps before each matrix after the first, as the daemon waits {@code -i} between periods
 * (whatever else runs meanwhile may evict what the last matrix brought into the caches).
 *
 * Prints {@code buffer_bytes B}, {@code lines L}, then per matrix {@code matrix I ms MS pairs P}
 * and {@code ptl I CPU_NODE MEM_NODE NS} lines.
 */
public final class ProbeBench {
    private ProbeBench() {
    }

    public static void main(String[] args) throws Exception {
        long bufferMb = 0;
        long warmup = PtlProbe.DEFAULT_WARMUP_STEPS;
        long steps = PtlProbe.DEFAULT_STEPS;
        int trials = PtlProbe.DEFAULT_TRIALS;
        int matrices = 3;
        long pauseMs = 0;
        boolean touchPages = true;
        Path chainOut = null;
        int chunks = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (a.equals("--no-touch-pages")) {
                touchPages = false;
                continue;
            }
            switch (a) {
                case "--buffer-mb" -> bufferMb = Long.parseLong(need(a, v));
                case "--warmup" -> warmup = Long.parseLong(need(a, v));
                case "--steps" -> steps = Long.parseLong(need(a, v));
                case "--pause-ms" -> pauseMs = Long.parseLong(need(a, v));
                case "--trials" -> trials = Integer.parseInt(need(a, v));
                case "--matrices" -> matrices = Integer.parseInt(need(a, v));
                case "--chain-out" -> chainOut = Path.of(need(a, v));
                case "--chunks" -> chunks = Integer.parseInt(need(a, v));
                default -> {
                    System.err.println("ProbeBench: unknown argument " + a);
                    System.exit(2);
                }
            }
            i++;
        }
        ProcFs proc = ProcFs.system();
        Topology topology = proc.topology();
        // The daemon's own sizing rule unless a size is given (as with --probe-buffer-mb).
        long buf = bufferMb > 0 ? bufferMb << 20 : PtlProbe.bufferFor(proc.lastLevelCacheBytes());
        int lines = (int) (buf / PointerChase.LINE);
        System.out.printf("buffer_bytes %d%nlines %d%ntouch_pages %b%nwarmup %d%nsteps %d%ntrials %d%nllc_bytes %d%n",
                buf, lines, touchPages, warmup, steps, trials, proc.lastLevelCacheBytes());
        if (chainOut != null) {
            writeChain(chainOut, PointerChase.randomCycle(lines, PtlProbe.CHAIN_SEED));
        }
        if (chunks > 0) {
            chunks(topology, buf, lines, touchPages, steps, chunks, matrices, pauseMs);
            return;
        }
        PtlProbe probe = new PtlProbe(topology, new LinuxAffinity(), new LinuxMemoryBinding(),
                new PtlProbe.Settings(buf, touchPages, warmup, steps, trials));
        for (int m = 1; m <= matrices; m++) {
            if (m > 1 && pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
            long t0 = System.nanoTime();
            PtlMatrix ptl = probe.measure();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int pairs = 0;
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < ptl.nodes(); c++) {
                for (int n = 0; n < ptl.ns()[c].length; n++) {
                    if (!Double.isNaN(ptl.at(c, n))) {
                        pairs++;
                        sb.append(String.format("ptl %d %d %d %.2f%n", m, c, n, ptl.at(c, n)));
                    }
                }
            }
            System.out.printf("matrix %d ms %d pairs %d%n%s", m, ms, pairs, sb);
            System.out.flush();
        }
        probe.close();
    }

    /** See the class comment: the latency of successive chunks of a chase after a pause. */
    private static void chunks(Topology topology, long buf, int lines, boolean touchPages, long steps, int chunks,
                               int reps, long pauseMs) throws Exception {
        BitSet cpu = new BitSet();
        cpu.set(topology.nodeCpus().get(topology.cpuNodes().nextSetBit(0)).nextSetBit(0));
        new LinuxAffinity().set(cpu);
        MemoryBinding.Region r = new LinuxMemoryBinding().allocate(buf, topology.memoryNodes().nextSetBit(0));
        ByteBuffer b = r.buffer();
        PointerChase.writeChain(b, PointerChase.randomCycle(lines, PtlProbe.CHAIN_SEED));
        long p = PointerChase.chase(b, 0, 4L * lines / 16);
        double[][] ns = new double[chunks][reps];
        long[] touchNs = new long[reps];
        for (int k = 0; k < reps; k++) {
            Thread.sleep(pauseMs);
            long t = System.nanoTime();
            if (touchPages) {
                PointerChase.touchPages(b);
            }
            touchNs[k] = System.nanoTime() - t;
            for (int c = 0; c < chunks; c++) {
                long t0 = System.nanoTime();
                p = PointerChase.chase(b, p, steps);
                ns[c][k] = (double) (System.nanoTime() - t0) / steps;
            }
        }
        Arrays.sort(touchNs);
        System.out.printf("touch_us %.0f%n", touchNs[reps / 2] / 1e3);
        for (int c = 0; c < chunks; c++) {
            Arrays.sort(ns[c]);
            System.out.printf("chunk %d %.1f%n", c + 1, ns[c][reps / 2]);
        }
        System.out.println("end " + p % 2);
        r.close();
    }

    private static String need(String opt, String v) {
        if (v == null) {
            System.err.println("ProbeBench: " + opt + " needs a value");
            System.exit(2);
        }
        return v;
    }

    /** The cycle as native-order 32-bit ints: next[i] is the line after line i. */
    private static void writeChain(Path out, int[] next) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(next.length * 4).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(next);
        try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out)))) {
            o.write(b.array());
        }
    }
}
