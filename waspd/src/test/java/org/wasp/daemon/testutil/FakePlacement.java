// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.PageTablePlacement;

/**
 * An in-memory kernel's page-table placement: a move puts every table of the process on the
 * node, as /proc/PID/pgtable_numa of the {@link FakeProc} then shows; a log of every call.
 */
public final class FakePlacement implements PageTablePlacement {
    private final FakeProc proc;
    private final int nodes;
    public final Map<Integer, Integer> homes = new HashMap<>();
    public final List<String> calls = new ArrayList<>();
    /** pid to the errno a move of it fails with. */
    public final Map<Integer, Integer> failWith = new HashMap<>();

    public FakePlacement(FakeProc proc, int nodes) {
        this.proc = proc;
        this.nodes = nodes;
    }

    /** Puts {@code pages} page-table pages of {@code pid} on {@code node}, none elsewhere. */
    public void tablesOn(int pid, int node, long pages) {
        StringBuilder b = new StringBuilder("tables");
        for (int n = 0; n < nodes; n++) {
            b.append(" N").append(n).append('=').append(n == node ? pages : 0);
        }
        proc.write("proc/" + pid + "/pgtable_numa", b.append('\n').toString());
    }

    @Override
    public void move(int pid, int node) throws OsException {
        calls.add("move " + pid + " " + node);
        Integer errno = failWith.get(pid);
        if (errno != null) {
            throw new OsException("move " + pid, errno);
        }
        homes.put(pid, node);
        tablesOn(pid, node, 100);
    }

    @Override
    public void setHome(int pid, int node) {
        calls.add("home " + pid + " " + node);
        if (node == NONE) {
            homes.remove(pid);
        } else {
            homes.put(pid, node);
        }
    }

    @Override
    public int home(int pid) {
        return homes.getOrDefault(pid, NONE);
    }
}
