// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.List;

/** The counters of one process's threads at one instant ({@code timeNs}, monotonic). */
public record ProcessSample(int pid, String comm, long timeNs, List<ThreadSample> threads) {
}
