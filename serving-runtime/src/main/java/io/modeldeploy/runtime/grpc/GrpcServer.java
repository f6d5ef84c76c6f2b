package io.modeldeploy.runtime.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.modeldeploy.runtime.http.BodyBudget;
import io.modeldeploy.runtime.http.RuntimeMetrics;
import io.modeldeploy.runtime.http.ServingState;
import io.modeldeploy.runtime.shadow.ShadowMirror;

/**
 * The Open Inference Protocol's gRPC service on its own port (the REST API keeps its port; docs/serving-runtime.md,
 * "gRPC"). A Service balances connections, not calls, and a gRPC client keeps one connection: each connection is
 * closed after {@link #MAX_CONNECTION_AGE} (its calls finish first), so clients spread over new pods, a canary's
 * included. Draining sends GOAWAY at once: calls in flight finish, clients open their next call elsewhere.
 */
public final class GrpcServer implements AutoCloseable {
    static final Duration MAX_CONNECTION_AGE = Duration.ofSeconds(60);
    static final Duration MAX_CONNECTION_AGE_GRACE = Duration.ofSeconds(20);

    private final Server server;
    private final ExecutorService executor;
    private final int port;

    private GrpcServer(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.port = server.getPort();
    }

    /**
     * Listens on {@code host:port} (0: any free port).
     *
     * @param maxMessageBytes the largest request; a larger one gets RESOURCE_EXHAUSTED before it is read
     * @param shadow where copies of the answered inference calls go, as the REST API's copies do; none: nowhere
     */
    public static GrpcServer start(String host, int port, int maxMessageBytes, ServingState state,
            RuntimeMetrics metrics, String serverVersion, Duration injectedLatency, BodyBudget budget,
            Optional<ShadowMirror> shadow) {
        // Reading a request's tensor and answering run here, off Netty's event loops; predictions queue for the model.
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "grpc-inference");
            thread.setDaemon(true);
            return thread;
        });
        var inference = new GrpcInference(state, metrics, serverVersion, injectedLatency, budget, shadow);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(new InboundMessages(GrpcInference.INFER_ENDPOINT.substring(1), budget, maxMessageBytes,
                        inference::refused).guard(inference.bindService()))
                .executor(executor)
                .maxInboundMessageSize(maxMessageBytes)
                .maxConnectionAge(MAX_CONNECTION_AGE.toSeconds(), TimeUnit.SECONDS)
                .maxConnectionAgeGrace(MAX_CONNECTION_AGE_GRACE.toSeconds(), TimeUnit.SECONDS)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot serve gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new GrpcServer(server, executor);
    }

    /** The port it listens on (or listened on, once drained). */
    public int port() {
        return port;
    }

    /** Sends GOAWAY on every connection and accepts no new one; calls in flight finish. */
    public void drain() {
        server.shutdown();
    }

    /** Drains, waits up to {@code timeout} for the calls in flight, then ends the rest. */
    public void close(Duration timeout) {
        drain();
        try {
            if (!server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executor.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
