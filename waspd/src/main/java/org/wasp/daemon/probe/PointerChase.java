// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Memory latency by pointer chasing: every cache line of a buffer holds the offset of the
 * next line of one random cycle through all lines, so each load depends on the previous one
 * and neither the prefetcher nor out-of-order execution can hide the latency. Loads go
 * through a direct {@link ByteBuffer} over the native mapping (plain memory reads once JIT
 * compiled); the final offset is published so the loop is not dead code.
 */
public final class PointerChase {
    public static final int LINE = 64;
    /** The smallest page size: {@link #touchPages} loads once per this many bytes. */
    public static final int PAGE = 4096;

    /** Sink that keeps each chase's result live. */
    private static volatile long sink;

    private PointerChase() {
    }

    /**
     * A random cyclic permutation of {@code lines} elements (Sattolo's algorithm):
     * {@code next[i]} is the line after line i, and following next from any line visits
     * every line once before returning.
     */
    public static int[] randomCycle(int lines, long seed) {
        int[] next = new int[lines];
        for (int i = 0; i < lines; i++) {
            next[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = lines - 1; i > 0; i--) {
            int j = rnd.nextInt(i);
            int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    /** Writes the chain into {@code buf}: line i's first 8 bytes hold the byte offset of next[i]. */
    public static void writeChain(ByteBuffer buf, int[] next) {
        for (int i = 0; i < next.length; i++) {
            buf.putLong(i * LINE, (long) next[i] * LINE);
        }
    }

    /**
     * Loads one byte of every 4 KiB page of {@code buf}, in address order: each load is a TLB
     * miss whose page-table entry shares its cache line with the next seven pages', so this
     * brings all of the buffer's page-table entries into the caches at a fraction of the cost
     * of a random chase. Returns the sum of the bytes read (also published, to keep it live).
     */
    public static long touchPages(ByteBuffer buf) {
        long sum = 0;
        for (int off = 0; off < buf.capacity(); off += PAGE) {
            sum += buf.get(off);
        }
        sink = sum;
        return sum;
    }

    /** Follows the chain {@code steps} times from byte offset {@code start}; returns where it ends. */
    public static long chase(ByteBuffer buf, long start, long steps) {
        long p = start;
        for (long s = 0; s < steps; s++) {
            p = buf.getLong((int) p);
        }
        return p;
    }

    /**
     * Nanoseconds per dependent load: a warm-up of {@code warmupSteps} loads from byte offset
     * {@code start}, then the minimum over {@code trials} timed passes of {@code steps} loads
     * each, every pass going on from where the previous one ended.
     *
     * <p>The warm-up brings the loop's compiled code, the first translations and page-table
     * lines in; it need not be a whole trial long, because the minimum over the trials that
     * follow already discards a first trial slowed by whatever is still cold (on a kept
     * buffer, going on along the cycle, every trial loads lines no recent pass touched).
     */
    public static Result nsPerLoad(ByteBuffer buf, long start, long warmupSteps, long steps, int trials) {
        long p = chase(buf, start, warmupSteps);
        double best = Double.POSITIVE_INFINITY;
        for (int t = 0; t < trials; t++) {
            long t0 = System.nanoTime();
            p = chase(buf, p, steps);
            long t1 = System.nanoTime();
            best = Math.min(best, (double) (t1 - t0) / steps);
        }
        sink = p;
        return new Result(best, p);
    }

    /**
     * @param ns  minimum nanoseconds per load
     * @param end byte offset where the chase stopped: the next measurement on the same buffer
     *            starts there, so it loads lines this one did not just bring into the cache
     */
    public record Result(double ns, long end) {
    }

    /** The last chase's end offset (exposed so tests and callers can observe the live result). */
    public static long sink() {
        return sink;
    }
}
