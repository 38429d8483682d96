// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raw core PMU events per microarchitecture, so that MAR and the DTLB miss rate mean the same on
 * every CPU: MAR counts memory instructions (loads + stores; an instruction that loads and stores
 * counts as both), the miss rate is data-side page walks per memory instruction. The kernel's
 * generic PERF_TYPE_HW_CACHE events do not: on AMD Zen dTLB-loads is an L1 DTLB miss and
 * dTLB-load-misses an L2 DTLB miss, and there are no store events at all.
 *
 * <p>Names and encodings are those of the kernel's tools/perf/pmu-events/arch/x86/UARCH/*.json
 * (the uarch names are mapfile.csv's); EventTableTest checks every entry against those files.
 *
 * <ul>
 * <li><b>Intel</b>: retired loads and stores (MEM_UOPS_RETIRED.ALL_LOADS/ALL_STORES up to
 * Broadwell and on the E-cores of Sierra Forest, MEM_INST_RETIRED.* from Skylake), and
 * <b>completed</b> page walks of loads and of stores (DTLB_LOAD_MISSES.WALK_COMPLETED,
 * DTLB_STORE_MISSES.WALK_COMPLETED: walks of any page size that ended in a translation; from
 * Sapphire Rapids the two are event 0x12 and 0x13 instead of 0x08 and 0x49).</li>
 * <li><b>AMD Zen 1-5</b>: memory ops dispatched to the load-store unit (ls_dispatch: loads =
 * ld_dispatch + ld_st_dispatch, stores = store_dispatch + ld_st_dispatch, the unit masks added
 * as AMD documents) and L1 DTLB misses that also missed the L2 DTLB, all page sizes
 * (ls_l1_d_tlb_miss unit mask 0xf0, named all_l2_miss from Zen 4 and documented there as
 * "page-table walks are requested"). AMD documents no retired memory-op count and no completed
 * walk count valid on every Zen (ls_tablewalker is gone from Zen 4's list), so on AMD both sides
 * of the ratio are counted at dispatch, wrong-path ops included, and walks are walks
 * <b>requested</b>, loads and stores in one event: there {@link Event#DTLB_WRITE_MISS} is
 * not counted (0) and {@link Event#DTLB_READ_MISS} holds all walks.</li>
 * </ul>
 * In both, {@link Event#DTLB_READ} and {@link Event#DTLB_WRITE} read the load and store
 * counters (no counter of their own), so the miss rate is walks per memory instruction.
 */
public final class EventTable {
    private EventTable() {
    }

    /** One microarchitecture's events; {@code storeWalks} null when {@code loadWalks} counts both. */
    public record Row(String uarch, PmuEvent loads, PmuEvent stores, PmuEvent loadWalks, PmuEvent storeWalks) {

        /** The six {@link Event}s as this row counts them. */
        public Map<Event, EventSpec> specs() {
            Map<Event, EventSpec> m = new EnumMap<>(Event.class);
            m.put(Event.L1D_READ, EventSpec.raw(Event.L1D_READ, loads));
            m.put(Event.L1D_WRITE, EventSpec.raw(Event.L1D_WRITE, stores));
            m.put(Event.DTLB_READ, EventSpec.copyOf(Event.DTLB_READ, Event.L1D_READ));
            m.put(Event.DTLB_WRITE, EventSpec.copyOf(Event.DTLB_WRITE, Event.L1D_WRITE));
            m.put(Event.DTLB_READ_MISS, EventSpec.raw(Event.DTLB_READ_MISS, loadWalks));
            m.put(Event.DTLB_WRITE_MISS, storeWalks == null ? EventSpec.none(Event.DTLB_WRITE_MISS)
                    : EventSpec.raw(Event.DTLB_WRITE_MISS, storeWalks));
            return m;
        }

        /** Every PMU event of the row, in {@link Event} order (for the check against the JSON). */
        public List<PmuEvent> events() {
            return storeWalks == null ? List.of(loads, stores, loadWalks)
                    : List.of(loads, stores, loadWalks, storeWalks);
        }
    }

    private static final PmuEvent UOPS_LOADS = PmuEvent.of("MEM_UOPS_RETIRED.ALL_LOADS", 0xd0, 0x81);
    private static final PmuEvent UOPS_STORES = PmuEvent.of("MEM_UOPS_RETIRED.ALL_STORES", 0xd0, 0x82);
    private static final PmuEvent INST_LOADS = PmuEvent.of("MEM_INST_RETIRED.ALL_LOADS", 0xd0, 0x81);
    private static final PmuEvent INST_STORES = PmuEvent.of("MEM_INST_RETIRED.ALL_STORES", 0xd0, 0x82);
    private static final String LOAD_WALKS = "DTLB_LOAD_MISSES.WALK_COMPLETED";
    private static final String STORE_WALKS = "DTLB_STORE_MISSES.WALK_COMPLETED";
    /** Sandy Bridge: completed walks of 4K and 2M/4M pages are unit mask 0x02. */
    private static final PmuEvent SNB_LOAD_WALKS = PmuEvent.of(LOAD_WALKS, 0x08, 0x02);
    /** Ivy Bridge's loads: 0x82 (bit 7: any page size). */
    private static final PmuEvent IVB_LOAD_WALKS = PmuEvent.of(LOAD_WALKS, 0x08, 0x82);
    private static final PmuEvent SNB_STORE_WALKS = PmuEvent.of(STORE_WALKS, 0x49, 0x02);
    /** Haswell on: 0x0e, completed walks of 4K, 2M/4M and 1G pages. */
    private static final PmuEvent HSW_LOAD_WALKS = PmuEvent.of(LOAD_WALKS, 0x08, 0x0e);
    private static final PmuEvent HSW_STORE_WALKS = PmuEvent.of(STORE_WALKS, 0x49, 0x0e);
    private static final PmuEvent SPR_LOAD_WALKS = PmuEvent.of(LOAD_WALKS, 0x12, 0x0e);
    private static final PmuEvent SPR_STORE_WALKS = PmuEvent.of(STORE_WALKS, 0x13, 0x0e);

    private static final PmuEvent ZEN_LOADS = new PmuEvent(
            List.of("ls_dispatch.ld_dispatch", "ls_dispatch.ld_st_dispatch"), 0x29, 0x05);
    private static final PmuEvent ZEN_STORES = new PmuEvent(
            List.of("ls_dispatch.store_dispatch", "ls_dispatch.ld_st_dispatch"), 0x29, 0x06);
    /** Zen 1 names the 0x20 unit mask after 32K pages, Zen 2 and 3 after coalesced pages. */
    private static final PmuEvent ZEN1_WALKS = l2Misses("tlb_reload_32k_l2_miss");
    private static final PmuEvent ZEN2_WALKS = l2Misses("tlb_reload_coalesced_page_miss");
    private static final PmuEvent ZEN4_WALKS = PmuEvent.of("ls_l1_d_tlb_miss.all_l2_miss", 0x45, 0xf0);

    private static PmuEvent l2Misses(String middle) {
        return new PmuEvent(List.of("ls_l1_d_tlb_miss.tlb_reload_4k_l2_miss", "ls_l1_d_tlb_miss." + middle,
                "ls_l1_d_tlb_miss.tlb_reload_2m_l2_miss", "ls_l1_d_tlb_miss.tlb_reload_1g_l2_miss"), 0x45, 0xf0);
    }

    private static final Map<String, Row> ROWS = new LinkedHashMap<>();

    static {
        for (String u : List.of("sandybridge", "jaketown")) {
            add(u, UOPS_LOADS, UOPS_STORES, SNB_LOAD_WALKS, SNB_STORE_WALKS);
        }
        for (String u : List.of("ivybridge", "ivytown")) {
            add(u, UOPS_LOADS, UOPS_STORES, IVB_LOAD_WALKS, SNB_STORE_WALKS);
        }
        for (String u : List.of("haswell", "haswellx", "broadwell", "broadwellde", "broadwellx", "sierraforest")) {
            add(u, UOPS_LOADS, UOPS_STORES, HSW_LOAD_WALKS, HSW_STORE_WALKS);
        }
        for (String u : List.of("skylake", "skylakex", "cascadelakex", "icelake", "icelakex")) {
            add(u, INST_LOADS, INST_STORES, HSW_LOAD_WALKS, HSW_STORE_WALKS);
        }
        for (String u : List.of("sapphirerapids", "emeraldrapids", "graniterapids")) {
            add(u, INST_LOADS, INST_STORES, SPR_LOAD_WALKS, SPR_STORE_WALKS);
        }
        add("amdzen1", ZEN_LOADS, ZEN_STORES, ZEN1_WALKS, null);
        for (String u : List.of("amdzen2", "amdzen3")) {
            add(u, ZEN_LOADS, ZEN_STORES, ZEN2_WALKS, null);
        }
        for (String u : List.of("amdzen4", "amdzen5")) {
            add(u, ZEN_LOADS, ZEN_STORES, ZEN4_WALKS, null);
        }
    }

    private static void add(String uarch, PmuEvent loads, PmuEvent stores, PmuEvent loadWalks, PmuEvent storeWalks) {
        ROWS.put(uarch, new Row(uarch, loads, stores, loadWalks, storeWalks));
    }

    public static Optional<Row> row(String uarch) {
        return Optional.ofNullable(ROWS.get(uarch));
    }

    public static List<Row> rows() {
        return List.copyOf(ROWS.values());
    }
}
