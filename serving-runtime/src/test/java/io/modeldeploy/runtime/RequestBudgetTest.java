package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.http.BodyBudget;

/**
 * Large prediction requests at once cannot take the runtime's heap: a real runtime process with a 128 MiB heap,
 * sent 32 requests of 2 MB at once (each costs about 20 MB to read), answers each one (413 for too many rows, or
 * 503 beyond its budget of requests held) and goes on serving. Without the budget, the same load ends the process
 * with OutOfMemoryError.
 */
class RequestBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cache;

    @Test
    void oneRequestIsAlwaysTakenAndMoreOnlyWithinTheBudget() {
        var budget = new BodyBudget(100);
        assertThat(budget.tryAcquire(150)).as("nothing held: taken whatever its size").isTrue();
        assertThat(budget.tryAcquire(1)).isFalse();
        budget.release(150);
        assertThat(budget.tryAcquire(60)).isTrue();
        assertThat(budget.tryAcquire(40)).isTrue();
        assertThat(budget.tryAcquire(1)).isFalse();
        assertThat(budget.refusal(1)).contains("budget is 0.0 MiB");
        budget.release(60);
        budget.release(40);
        assertThat(budget.held()).isZero();

        assertThat(BodyBudget.forHeap(260L << 20, 8L << 20)).as("a 26th of the heap").isEqualTo(10L << 20);
        assertThat(BodyBudget.forHeap(64L << 20, 8L << 20)).as("never below one body").isEqualTo(8L << 20);
    }

    @Test
    void largeRequestsAtOnceGetAnswersAndTheRuntimeKeepsServing() throws Exception {
        int port = freePort();
        Path log = cache.resolve("runtime.log");
        Process runtime = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                ServingRuntime.class.getName(), "--model", ExampleModels.iris().toString(), "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--grpc-port", "off", "--max-body-mib", "2",
                "--cache-dir", cache.resolve("cache").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + port);
            awaitReady(http, base, runtime, log);

            // 200,000 rows of 10 bytes: under the 2 MiB body limit, over the 10,000 rows a request may have.
            String big = "{\"features\": [" + "[0,0,0,0],".repeat(199_999) + "[0,0,0,0]]}";
            var answers = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 32; i++) {
                answers.add(http.sendAsync(post(base, big), HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var answer : answers) {
                HttpResponse<String> response = answer.get();
                statuses.add(response.statusCode());
                assertThat(JSON.readTree(response.body()).has("error")).as(response.body()).isTrue();
            }

            assertThat(runtime.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(statuses).containsOnly(413, 503).contains(413, 503);
            var seed = http.send(post(base, "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(seed.statusCode()).as(seed.body()).isEqualTo(200);
            String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("endpoint=\"/predict\",model=\"iris\",status=\"503\"");
        } finally {
            runtime.destroyForcibly();
        }
    }

    private static HttpRequest post(URI base, String body) {
        return HttpRequest.newBuilder(base.resolve("/predict")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void awaitReady(HttpClient http, URI base, Process runtime, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(runtime.isAlive()).as(Files.readString(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/v2/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready in 60 s: " + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
