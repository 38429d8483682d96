// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** struct perf_event_attr as JNA lays it out must match include/uapi/linux/perf_event.h (6.12). */
class PerfEventAttrLayoutTest {
    static final Path HEADER_TREE = Path.of("/work/linux-source-6.12/include/uapi");

    /** Offsets read off the 6.12 header (PERF_ATTR_SIZE_VER8). */
    static Map<String, Integer> expected() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("type", 0);
        m.put("size", 4);
        m.put("config", 8);
        m.put("sample_period", 16);
        m.put("sample_type", 24);
        m.put("read_format", 32);
        m.put("flags", 40);
        m.put("wakeup_events", 48);
        m.put("bp_type", 52);
        m.put("config1", 56);
        m.put("config2", 64);
        m.put("branch_sample_type", 72);
        m.put("sample_regs_user", 80);
        m.put("sample_stack_user", 88);
        m.put("clockid", 92);
        m.put("sample_regs_intr", 96);
        m.put("aux_watermark", 104);
        m.put("sample_max_stack", 108);
        m.put("reserved_2", 110);
        m.put("aux_sample_size", 112);
        m.put("aux_action", 116);
        m.put("sig_data", 120);
        m.put("config3", 128);
        return m;
    }

    @Test
    void sizeIsVer8() {
        assertEquals(136, new PerfEventAttr().size());
        assertEquals(PerfEventAttr.PERF_ATTR_SIZE_VER8, new PerfEventAttr().size());
    }

    @Test
    void offsetsMatchTheHeader() {
        PerfEventAttr a = new PerfEventAttr();
        expected().forEach((f, off) -> assertEquals(off, a.offsetOf(f), f));
    }

    @Test
    void countingAttrAsksForGroupReadsWithEnabledAndRunningTimes() {
        PerfEventAttr a = PerfEventAttr.counting(PerfEventAttr.PERF_TYPE_HW_CACHE, 0x10003);
        assertEquals(136, a.size);
        assertEquals(0xb, a.read_format, "PERF_FORMAT_GROUP | TOTAL_TIME_RUNNING | TOTAL_TIME_ENABLED");
        assertEquals(0, a.flags & PerfEventAttr.FLAG_INHERIT, "counters are per thread, not inherited");
        assertEquals(0, a.flags & PerfEventAttr.FLAG_DISABLED, "counting starts at open");
        a.write();
        assertEquals(0x10003L, a.getPointer().getLong(8));
        assertEquals(0xbL, a.getPointer().getLong(32));
        assertEquals(136, a.getPointer().getInt(4));
    }

    @Test
    void rlimitIsTwoLongs() {
        assertEquals(16, new RLimit().size());
    }

    /**
     * Compiles offsetof() for every field against the 6.12 header itself, when the kernel
     * tree and a C compiler are present, and compares with JNA's layout.
     */
    @Test
    void offsetsMatchTheCompiler(@TempDir Path tmp) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(HEADER_TREE.resolve("linux/perf_event.h")), "no 6.12 kernel tree");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "no gcc");
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <string.h>\n"
                + "#include <linux/perf_event.h>\n"
                + "int main(void){printf(\"size %zu\\n\", sizeof(struct perf_event_attr));\n");
        for (String f : expected().keySet()) {
            if (f.equals("flags")) {
                // A bitfield has no offsetof: set bits and find the 64-bit word they land in.
                c.append("{struct perf_event_attr a; memset(&a, 0, sizeof a); a.exclude_kernel = 1; a.exclude_hv = 1;"
                        + " unsigned char *p = (unsigned char *)&a; size_t i = 0; while (!p[i]) i++;"
                        + " unsigned long long w; memcpy(&w, p + (i & ~7UL), 8);"
                        + " printf(\"flags %zu %llu\\n\", i & ~7UL, w);}\n");
                continue;
            }
            String cf = f.equals("reserved_2") ? "__reserved_2" : f;
            c.append("printf(\"").append(f).append(" %zu\\n\", offsetof(struct perf_event_attr, ").append(cf)
                    .append("));\n");
        }
        c.append("return 0;}\n");
        Path src = tmp.resolve("off.c");
        Files.writeString(src, c);
        Path bin = tmp.resolve("off");
        // The 6.12 perf_event.h itself; the headers it includes (linux/types.h, ...) from the system.
        Path inc = tmp.resolve("include/linux");
        Files.createDirectories(inc);
        Files.copy(HEADER_TREE.resolve("linux/perf_event.h"), inc.resolve("perf_event.h"));
        Process cc = new ProcessBuilder("gcc", "-I", tmp.resolve("include").toString(), "-o", bin.toString(),
                src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assumeTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc failed: " + ccOut);
        Process run = new ProcessBuilder(bin.toString()).start();
        List<String> lines = new ArrayList<>(List.of(new String(run.getInputStream().readAllBytes()).split("\n")));
        run.waitFor();
        PerfEventAttr a = new PerfEventAttr();
        assertEquals("size " + a.size(), lines.remove(0));
        for (String l : lines) {
            String[] kv = l.split(" ");
            assertEquals(Integer.parseInt(kv[1]), a.offsetOf(kv[0]), kv[0]);
            if (kv[0].equals("flags")) {
                assertEquals(PerfEventAttr.FLAG_EXCLUDE_KERNEL | PerfEventAttr.FLAG_EXCLUDE_HV, Long.parseLong(kv[2]),
                        "exclude_kernel and exclude_hv bit positions");
            }
        }
        assertEquals(expected().size(), lines.size());
    }
}
