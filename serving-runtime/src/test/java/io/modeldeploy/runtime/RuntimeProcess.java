package io.modeldeploy.runtime;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A serving runtime in a JVM of its own, with JVM flags of the test's choosing (heap size, collector): what a pod
 * runs, for tests of memory, which the test's own JVM cannot show. Serves the Iris example model on a free port.
 */
final class RuntimeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Process process;
    private final Path log;
    private final URI base;

    private RuntimeProcess(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /** Starts it with these JVM flags and runtime arguments, and waits until it reports ready. */
    static RuntimeProcess start(Path work, List<String> jvmFlags, String... arguments) throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServingRuntime.class.getName(),
                "--model", ExampleModels.iris().toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--grpc-port", "off", "--cache-dir", work.resolve("cache").toString()));
        command.addAll(List.of(arguments));
        Path log = work.resolve("runtime-" + port + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var runtime = new RuntimeProcess(process, log, URI.create("http://127.0.0.1:" + port));
        runtime.awaitReady();
        return runtime;
    }

    /** The JVM flags of the runtime image (hack/images reads the same file). */
    static List<String> imageFlags() throws IOException {
        return Files.readAllLines(ExampleModels.root().resolve("serving-runtime/src/main/jvm/runtime.flags")).stream()
                .map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    HttpClient client() {
        return HTTP;
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    HttpRequest predict(String body) {
        return HttpRequest.newBuilder(uri("/predict")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The most resident memory the process has held (VmHWM), in MiB. */
    long peakRssMiB() throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmHWM:")).mapToLong(line -> Long.parseLong(
                        line.replaceAll("[^0-9]", "")) / 1024).findFirst().orElseThrow();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the runtime exited: " + log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(uri("/v2/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready in 60 s: " + log());
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
