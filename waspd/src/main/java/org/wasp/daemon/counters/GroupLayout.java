// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the counted events of a thread are grouped (six generic ones; an event table's four on Intel,
 * three on AMD, the others reading those counters: {@link #groupsFor}). A group is read with one read(2), and reading
 * the counters of every running thread is the daemon's main cost with many threads, so the
 * fewer groups the better; but the PMU counts a group only when all its members fit in its
 * counters at once.
 */
public enum GroupLayout {
    /**
     * All in one group: one read per thread. An event table's four or three fit every supported PMU;
     * the six generic events need six free general counters: Intel since Ice Lake has eight per
     * logical CPU; AMD Zen has six, one of which the NMI watchdog holds when it is on (the
     * default), so there only with {@code kernel.nmi_watchdog=0}.
     */
    ONE(new Event[][] {
        {Event.L1D_READ, Event.DTLB_READ, Event.DTLB_READ_MISS, Event.L1D_WRITE, Event.DTLB_WRITE,
            Event.DTLB_WRITE_MISS},
    }),
    /**
     * Loads and stores, each DTLB miss count with its access count so the two are multiplexed
     * together: two reads per running thread. Three events fit in the PMUs of Intel servers since
     * Nehalem (four general counters per logical CPU) and AMD since family 15h.
     */
    LOADS_AND_STORES(new Event[][] {
        {Event.L1D_READ, Event.DTLB_READ, Event.DTLB_READ_MISS},
        {Event.L1D_WRITE, Event.DTLB_WRITE, Event.DTLB_WRITE_MISS},
    });

    private static final Logger LOG = LoggerFactory.getLogger(GroupLayout.class);
    /** CPU time the trial group must be enabled for: a few of the kernel's 4 ms multiplexing turns. */
    public static final long TRIAL_ENABLED_NS = 20_000_000;
    /** Wall-clock bound on the trial (the calling thread may be preempted). */
    static final long TRIAL_TIMEOUT_NS = 1_000_000_000;

    private final Event[][] groups;

    GroupLayout(Event[][] groups) {
        this.groups = groups;
    }

    /** The groups, each in opening order (leader first). */
    Event[][] groups() {
        return groups;
    }

    /**
     * The groups without the events that have no counter of their own ({@link EventSpec#opened()}:
     * an event table's DTLB accesses read its load and store counters), empty groups dropped.
     */
    Event[][] groupsFor(Map<Event, EventSpec> specs) {
        List<Event[]> out = new ArrayList<>();
        for (Event[] g : groups) {
            Event[] kept = Arrays.stream(g).filter(e -> specs.get(e).opened()).toArray(Event[]::new);
            if (kept.length > 0) {
                out.add(kept);
            }
        }
        return out.toArray(new Event[0][]);
    }

    /**
     * {@link #ONE} if the PMU counts the events as one group, else {@link #LOADS_AND_STORES}.
     * Opens the group on the calling thread: the kernel refuses a member (EINVAL on x86 and arm64)
     * when the group can never fit the PMU, and a group that fits an idle PMU but not the counters
     * left free by pinned events (such as the NMI watchdog's on a PMU without fixed counters) is
     * accepted but never runs, so the trial also runs the thread until the group has been enabled
     * for {@link #TRIAL_ENABLED_NS} and checks that it has run. Call after every event has been
     * shown to open on its own ({@link PerfCounterSource#missingEvents}).
     */
    public static GroupLayout choose(PerfApi api, Map<Event, EventSpec> specs) {
        List<Integer> fds = new ArrayList<>();
        try {
            int leader = -1;
            Event[] trial = ONE.groupsFor(specs)[0];
            for (Event e : trial) {
                int fd = api.open(specs.get(e), 0, leader);
                fds.add(fd);
                leader = leader < 0 ? fd : leader;
            }
            long[] v = new long[2 + PerfApi.MAX_GROUP];
            long deadline = System.nanoTime() + TRIAL_TIMEOUT_NS;
            do {
                api.readGroup(leader, v);
            } while (v[0] < TRIAL_ENABLED_NS && System.nanoTime() < deadline);
            if (v[1] > 0) {
                LOG.info("counting each thread's {} events as one group (one read per thread and interval)", trial.length);
                return ONE;
            }
            LOG.info("the PMU did not schedule the {} events as one group in {} ms: counting loads and stores "
                    + "as two groups", trial.length, v[0] / 1_000_000);
        } catch (OsException ex) {
            LOG.info("the PMU takes fewer than {} events in one group ({}): counting loads and stores as two groups",
                    ONE.groupsFor(specs)[0].length, Errno.name(ex.errno()));
        } finally {
            fds.forEach(api::close);
        }
        return LOADS_AND_STORES;
    }
}
