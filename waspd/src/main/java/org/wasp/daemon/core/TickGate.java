// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the shutdown from racing a tick: ticks run one at a time under a lock; {@link #stop}
 * refuses new ticks, waits (bounded) for the one in progress, and runs the undo exactly once,
 * whoever calls it (the loop at its end, the shutdown hook, a test). If the tick in progress
 * does not finish in time (stuck in the kernel) the undo runs anyway: replication left on
 * until a hung call returns is worse; that tick then changes nothing more
 * ({@link #stopped()} is checked before every change).
 */
final class TickGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean undone = new AtomicBoolean();
    private volatile boolean stopped;

    /** Runs {@code tick} unless stopped; false when it did not run. */
    boolean tick(Runnable tick) {
        if (stopped) {
            return false;
        }
        lock.lock();
        try {
            if (stopped) {
                return false;
            }
            tick.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #stop} has been called: a tick still running must change nothing more. */
    boolean stopped() {
        return stopped;
    }

    /**
     * Stops ticking, waits up to {@code timeoutMs} for the tick in progress, then runs {@code undo}
     * unless it already ran. Returns false when the wait timed out (the undo ran regardless).
     */
    boolean stop(long timeoutMs, Runnable undo) {
        stopped = true;
        boolean locked;
        try {
            locked = lock.tryLock(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        try {
            if (undone.compareAndSet(false, true)) {
                undo.run();
            }
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
        return locked;
    }
}
