// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** GET /metrics in Prometheus text format (see {@link PrometheusText}), on the JDK's HTTP server. */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    /** @param text the exposition text, rendered afresh for each request */
    public MetricsServer(String bind, int port, Supplier<String> text) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 4);
        server.createContext("/metrics", ex -> {
            try (ex) {
                if (!"GET".equals(ex.getRequestMethod())) {
                    ex.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = text.get().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
