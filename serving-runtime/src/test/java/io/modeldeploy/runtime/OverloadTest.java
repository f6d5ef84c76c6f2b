package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modeldeploy.runtime.http.HttpApi;
import io.modeldeploy.runtime.http.RuntimeMetrics;
import io.modeldeploy.runtime.http.ServingState;
import io.modeldeploy.runtime.inference.InferenceEngine;
import io.modeldeploy.runtime.inference.ModelService;
import io.modeldeploy.runtime.model.ModelSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * Overload is an answer, over real HTTP: with the engine busy and the queue full, a prediction gets 503 with
 * Retry-After at once, the health endpoints still answer, and what was queued is answered once the engine is free.
 * The Iris model's real configuration; an engine held busy on purpose, since no real engine can be made to wait.
 */
class OverloadTest {
    static final String ROW = "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}";
    @TempDir
    Path cache;

    /** Answers every row with the same probabilities once released. */
    static final class BusyEngine implements InferenceEngine {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        final java.util.concurrent.atomic.AtomicInteger rowsInferred = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public float[][] infer(float[][] batch) {
            rowsInferred.addAndGet(batch.length);
            started.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[][] out = new float[batch.length][];
            for (int i = 0; i < batch.length; i++) {
                out[i] = new float[] {0.1f, 0.8f, 0.1f};
            }
            return out;
        }

        @Override
        public String name() {
            return "busy";
        }

        @Override
        public void close() {
        }
    }

    /** The Iris model's real configuration on a busy engine, behind the real HTTP API on a free port. */
    private final class Served implements AutoCloseable {
        final BusyEngine engine = new BusyEngine();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final ModelService model;
        final Vertx vertx = Vertx.vertx();
        final int port;

        Served(ModelService.BatchingSettings batching) throws Exception {
            var located = ModelSource.locate(ExampleModels.iris().toString(), Optional.empty(), cache);
            model = new ModelService(located, "1", engine, batching, rows -> { });
            var state = new ServingState();
            state.ready(model);
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(new HttpApi(state, new RuntimeMetrics(), "test").router(vertx, 1 << 20))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
            port = server.actualPort();
        }

        HttpRequest predict() {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ROW))
                    .build();
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            engine.release.countDown();
            model.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndTheQueuedRequestsAreAnswered() throws Exception {
        try (var served = new Served(new ModelService.BatchingSettings(1, 0, 100, 2))) {
            HttpClient http = served.http;
            HttpRequest request = served.predict();

            var waiting = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            waiting.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            assertThat(served.engine.started.await(10, TimeUnit.SECONDS)).isTrue();
            waiting.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            waiting.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            Thread.sleep(500);

            HttpResponse<String> refused = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("the model is at capacity: 2 requests already wait for it");
            assertThat(served.get("/v2/health/ready").statusCode()).as("probes answer while the engine is busy")
                    .isEqualTo(200);

            served.engine.release.countDown();
            for (var answer : waiting) {
                assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aPredictionPastItsDeadlineIsAnswered503AndNeverRunsIfItHadNotStarted() throws Exception {
        try (var served = new Served(new ModelService.BatchingSettings(1, 0, 100, 10, 300))) {
            HttpClient http = served.http;
            HttpRequest request = served.predict();

            var running = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            assertThat(served.engine.started.await(10, TimeUnit.SECONDS)).isTrue();
            HttpResponse<String> queued = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(queued.statusCode()).isEqualTo(503);
            assertThat(queued.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(queued.body()).contains("the prediction did not finish within 300 ms");
            assertThat(running.get(10, TimeUnit.SECONDS).statusCode()).as("the engine still holds it").isEqualTo(503);

            served.engine.release.countDown();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(served.engine.rowsInferred.get()).as("the request that timed out in the queue never ran")
                    .isEqualTo(2);
        }
    }
}
