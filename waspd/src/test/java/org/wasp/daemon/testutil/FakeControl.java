// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ReplicationControl;

/** An in-memory kernel: replication masks and forced nodes, with a log of every change. */
public final class FakeControl implements ReplicationControl {
    public final Map<Integer, Long> masks = new HashMap<>();
    public final Map<Integer, Integer> forced = new HashMap<>();
    public final List<String> calls = new ArrayList<>();
    /** pid or tid to the errno a call on it fails with. */
    public final Map<Integer, Integer> failWith = new HashMap<>();
    public String unavailable;

    @Override
    public void setReplication(int pid, long mask) throws OsException {
        calls.add("set " + pid + " " + mask);
        fail(pid);
        if (mask == 0) {
            masks.remove(pid);
        } else {
            masks.put(pid, mask);
        }
    }

    @Override
    public long replication(int pid) throws OsException {
        fail(pid);
        return masks.getOrDefault(pid, 0L);
    }

    @Override
    public void steer(int tid, int node) throws OsException {
        calls.add("steer " + tid + " " + node);
        fail(tid);
        if (node == AUTO) {
            forced.remove(tid);
        } else {
            forced.put(tid, node);
        }
    }

    @Override
    public int steeredNode(int tid) throws OsException {
        fail(tid);
        return forced.getOrDefault(tid, AUTO);
    }

    @Override
    public String unavailabilityCause() {
        return unavailable;
    }

    public long changes() {
        return calls.size();
    }

    private void fail(int id) throws OsException {
        Integer e = failWith.get(id);
        if (e != null) {
            throw new OsException("fake call on " + id, e);
        }
    }

    public static int esrch() {
        return Errno.ESRCH;
    }
}
