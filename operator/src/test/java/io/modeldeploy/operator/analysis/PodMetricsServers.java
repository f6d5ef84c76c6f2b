package io.modeldeploy.operator.analysis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;

/** HTTP servers whose /metrics answer a fixed exposition, as a pod's runtime does: the targets of a test Prometheus. */
final class PodMetricsServers implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();

    /** A server answering {@code exposition}; its host:port. */
    String serve(String exposition) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = exposition.getBytes(StandardCharsets.UTF_8);
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
    }
}
