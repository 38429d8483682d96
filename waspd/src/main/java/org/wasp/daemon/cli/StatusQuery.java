// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wasp.daemon.core.InstanceLock;
import org.wasp.daemon.core.StatusFile;
import org.wasp.daemon.os.IoErrors;
import org.wasp.daemon.os.ProcFs;

/**
 * {@code --status}: prints the status file only when the daemon that wrote it is alive. A
 * daemon holds the instance lock for its whole life (the kernel drops it when the process
 * ends), so a status file whose pid does not hold the lock is stale: left by a daemon that was
 * killed, or by one whose pid has since been reused. A dry run takes no lock; its pid must
 * still exist in /proc.
 */
final class StatusQuery {
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    private static final Pattern DRY = Pattern.compile("\"dry_run\"\\s*:\\s*true");

    private StatusQuery() {
    }

    /** The status text to print; a {@link UserError} when no live daemon wrote it. */
    static String run(Path statusFile, Path runDir, ProcFs proc) {
        String text;
        try {
            text = new StatusFile(statusFile).read();
        } catch (NoSuchFileException e) {
            OptionalInt starting = holder(runDir);
            if (starting.isPresent()) {
                throw new UserError(ExitCodes.RUNTIME, "waspd (pid " + starting.getAsInt()
                        + ") is running but has written no status yet to " + statusFile);
            }
            throw new UserError(ExitCodes.RUNTIME, "no running waspd (no status file " + statusFile + ")");
        } catch (IOException e) {
            throw new UserError(ExitCodes.RUNTIME, "cannot read the status: " + IoErrors.describe(statusFile, e));
        }
        Matcher m = PID.matcher(text);
        if (!m.find()) {
            throw new UserError(ExitCodes.RUNTIME, "status file " + statusFile + " names no daemon pid");
        }
        int pid = Integer.parseInt(m.group(1));
        String stale = "stale status file " + statusFile + ": waspd pid " + pid;
        if (DRY.matcher(text).find()) {
            if (proc.stat(pid).isEmpty()) {
                throw new UserError(ExitCodes.RUNTIME, stale + " (dry run) is not running");
            }
            return text;
        }
        Path lockFile = InstanceLock.file(runDir);
        InstanceLock.Probe lock;
        try {
            lock = InstanceLock.probe(runDir);
        } catch (IOException e) {
            throw new UserError(ExitCodes.RUNTIME, "cannot check the daemon's lock: " + IoErrors.describe(lockFile, e));
        }
        if (!lock.held()) {
            throw new UserError(ExitCodes.RUNTIME, stale + " is not running (no process holds " + lockFile + ")");
        }
        if (lock.pid().isPresent() && lock.pid().getAsInt() != pid) {
            throw new UserError(ExitCodes.RUNTIME, stale + " is not running; pid " + lock.pid().getAsInt()
                    + " holds " + lockFile + " and has written no status yet");
        }
        return text;
    }

    private static OptionalInt holder(Path runDir) {
        try {
            InstanceLock.Probe p = InstanceLock.probe(runDir);
            return p.held() ? p.pid() : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }
}
