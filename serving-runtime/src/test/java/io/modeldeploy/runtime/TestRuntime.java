package io.modeldeploy.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.modeldeploy.runtime.inference.ModelService;

/**
 * A serving runtime started for a test on a free loopback port, with an HTTP/1.1 client for it (the seed's
 * clients speak HTTP/1.1; the JDK client's h2c upgrade fails past 100 concurrent streams). Shared with the engine
 * builds' tests through this module's test jar.
 */
public final class TestRuntime implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ServingRuntime runtime;

    private TestRuntime(ServingRuntime runtime) {
        this.runtime = runtime;
    }

    public static TestRuntime start(RuntimeSettings settings) throws Exception {
        return new TestRuntime(new ServingRuntime(settings).start());
    }

    /** A runtime that names itself {@code podName}, as a pod named so would. */
    public static TestRuntime start(RuntimeSettings settings, String podName) throws Exception {
        return new TestRuntime(new ServingRuntime(settings, podName).start());
    }

    /** The model at {@code model} with version 1, batches of up to 32 without waiting, 1 MiB bodies. */
    public static TestRuntime start(Path model, Path cache) throws Exception {
        return start(new RuntimeSettings(model.toString(), Optional.empty(), Optional.of("1"), "127.0.0.1", 0, cache,
                new ModelService.BatchingSettings(32, 0, 1000), 1 << 20, Duration.ofSeconds(5)));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(request(path, body), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON POST request, for clients that send it themselves (e.g. concurrently). */
    public HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public HttpClient client() {
        return HTTP;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + runtime.port() + path);
    }

    /** The gRPC port, for a runtime started with one. */
    public int grpcPort() {
        return runtime.grpcPort().orElseThrow(() -> new IllegalStateException("started without gRPC"));
    }

    /** What SIGTERM starts: the runtime reports not ready but keeps answering. */
    public void drain() {
        runtime.drain();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
