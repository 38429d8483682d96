// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/** What the policy wants done with a process this interval, and why. */
public record Verdict(Action action, String reason) {

    public enum Action { KEEP, ENABLE, DISABLE }

    public static final Verdict KEEP = new Verdict(Action.KEEP, "");
}
