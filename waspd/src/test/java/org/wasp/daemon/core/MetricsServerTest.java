// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    @Test
    void servesPrometheusTextOnLoopback() throws Exception {
        StatusSnapshot s = new StatusSnapshot(1, 2, "full", false, 7,
                List.of(new StatusSnapshot.Proc(42, "we\"ird", 2e7, 0.03, 1, true, Map.of(43, 1))), null, 1, 0, 1);
        try (MetricsServer m = new MetricsServer("127.0.0.1", 0, () -> PrometheusText.render(s, Health.View.NONE, "test"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String b = r.body();
            assertTrue(b.contains("waspd_monitored_threads 7\n"), b);
            assertTrue(b.contains("waspd_process_memory_accesses_per_second{pid=\"42\",comm=\"we\\\"ird\"} 20000000\n"), b);
            assertTrue(b.contains("waspd_process_steered_threads{pid=\"42\",comm=\"we\\\"ird\"} 1\n"), b);
            assertTrue(b.contains("# TYPE waspd_decisions_total counter"), b);
        }
    }
}
