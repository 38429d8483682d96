// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

/**
 * The kernel's core PMU, /sys/bus/event_source/devices/cpu: its perf type (PERF_TYPE_RAW, 4, on
 * x86) and caps/pmu_name (Intel only: "skylake", "sapphire_rapids", "generic_arch_v4"...; null
 * where the kernel has none, as on AMD). A machine without that directory has no core PMU the
 * kernel drives (a VM without a virtual PMU), or a hybrid one (cpu_core and cpu_atom).
 */
public record CorePmu(int type, String pmuName) {
}
