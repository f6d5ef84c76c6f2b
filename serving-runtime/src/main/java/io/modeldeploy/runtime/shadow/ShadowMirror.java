package io.modeldeploy.runtime.shadow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.http.HttpApi;
import io.modeldeploy.runtime.http.OpenInference;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.inference.Prediction;

/**
 * Sends a copy of each answered prediction request to a shadow server (another model version) and compares its
 * answer with this server's, row by row, into the runtime's metrics; the caller never waits for the shadow and its
 * answer is never returned to anyone. The copy goes only while the shadow reports ready ({@code
 * /v2/health/ready}, asked every {@link #CHECK_EVERY}), at most {@link #MAX_IN_FLIGHT} at a time (more are dropped
 * and counted), and each waits at most {@link #TIMEOUT}: a slow, absent or broken shadow costs this server nothing
 * but the copies.
 */
public final class ShadowMirror implements AutoCloseable {
    public static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_IN_FLIGHT = 64;
    /** Marks a copy: a server that receives one never mirrors it again (two servers that shadow each other). */
    public static final String COPY_HEADER = "X-Modeldeploy-Shadow-Copy";
    /**
     * The pod that answered a copy, in the shadow's answer: the comparisons are counted by it, so that an analysis
     * counts only the rows its current canary pods answered, not those of an earlier try of the same model version.
     */
    public static final String ANSWERED_BY_HEADER = "X-Modeldeploy-Answered-By";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the comparisons go. */
    public interface Results {
        /** A copy's fate: {@code answered} (compared), {@code error} (not a 200), {@code failed}, {@code dropped}. */
        void sent(String result);

        /**
         * The shadow's answer, in {@code latency}, by {@code shadowVersion} on the pod {@code shadowPod} (empty when
         * the shadow did not say), compared with this server's.
         */
        void compared(String shadowVersion, String shadowPod, Duration latency, ShadowComparison comparison);
    }

    private final URI base;
    private final Results results;
    private final HttpClient client;
    private final ScheduledExecutorService checks;
    private final ExecutorService io;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private volatile boolean shadowReady;

    private ShadowMirror(URI base, Results results) {
        this.base = base;
        this.results = results;
        this.checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "shadow-mirror");
            thread.setDaemon(true);
            return thread;
        });
        // The client's own threads send and read; HTTP/1.1 as the runtime serves it without an h2c upgrade.
        this.io = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "shadow-mirror-io");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).executor(io).build();
    }

    /** Mirrors to the server at {@code base} (scheme, host and port) once it reports ready. */
    public static ShadowMirror start(URI base, Results results) {
        var mirror = new ShadowMirror(base, results);
        mirror.checks.scheduleWithFixedDelay(mirror::checkShadow, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return mirror;
    }

    /** Whether copies go now: the shadow answered its last readiness check with 200. */
    public boolean shadowReady() {
        return shadowReady;
    }

    private void checkShadow() {
        try {
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(base.resolve("/v2/health/ready"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            shadowReady = answer.statusCode() == 200;
        } catch (IOException e) {
            shadowReady = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shadowReady = false;
        }
    }

    /**
     * Sends a copy of the request this server answered with {@code ownAnswer}: {@code pathAndQuery} and
     * {@code body} as they came; returns at once.
     */
    public void mirror(String pathAndQuery, String contentType, byte[] body, Supplier<?> ownAnswer) {
        send(pathAndQuery, contentType, () -> body, ownAnswer);
    }

    /**
     * Sends a copy of a request that cannot go as it came (raw tensor bytes, whose header the copy would lack, or a
     * gRPC call) as a JSON infer request of the {@code rows} the model read ({@link OpenInference#columnsRequest}),
     * compared with this server's JSON answer to them; returns at once. Both are built on the mirror's threads, and
     * only for a copy that goes.
     */
    public void mirrorRows(ModelService model, double[][] rows, List<Prediction> predictions) {
        send(OpenInference.inferPath(model), "application/json", () -> {
            try {
                return JSON.writeValueAsBytes(OpenInference.columnsRequest(model, rows));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, () -> OpenInference.jsonAnswer(model, predictions));
    }

    private void send(String pathAndQuery, String contentType, Supplier<byte[]> body, Supplier<?> ownAnswer) {
        if (!shadowReady) {
            return;
        }
        if (!inFlight.tryAcquire()) {
            results.sent("dropped");
            return;
        }
        long start = System.nanoTime();
        CompletableFuture.supplyAsync(() -> new Copy(HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(TIMEOUT).header("Content-Type", contentType).header(COPY_HEADER, "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.get())).build(),
                JSON.valueToTree(ownAnswer.get())), io)
                .thenCompose(copy -> client.sendAsync(copy.request(), HttpResponse.BodyHandlers.ofByteArray())
                        .thenApply(answer -> compare(copy.ownAnswer(), answer, start)))
                .whenComplete((result, error) -> {
                    inFlight.release();
                    results.sent(error != null ? "failed" : result);
                });
    }

    /** A copy as it goes, and this server's answer to compare the shadow's with. */
    private record Copy(HttpRequest request, JsonNode ownAnswer) {
    }

    /** Counts the rows of a 200 answer: {@code answered}; else {@code error}. */
    private String compare(JsonNode ownAnswer, HttpResponse<byte[]> answer, long start) {
        if (answer.statusCode() != 200) {
            return "error";
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        try {
            ShadowComparison comparison = ShadowComparison.of(ownAnswer, JSON.readTree(answer.body()));
            // Rows first: a reader that sees the copy counted sees its rows too.
            results.compared(answer.headers().firstValue(HttpApi.MODEL_VERSION_HEADER).orElse("unknown"),
                    answer.headers().firstValue(ANSWERED_BY_HEADER).orElse(""), latency, comparison);
            return "answered";
        } catch (IOException e) {
            return "error";
        }
    }

    @Override
    public void close() {
        shadowReady = false;
        checks.shutdownNow();
        io.shutdown();
    }
}
