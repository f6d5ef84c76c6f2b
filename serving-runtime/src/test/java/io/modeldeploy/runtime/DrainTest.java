package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modeldeploy.runtime.inference.ModelService;

/**
 * What a pod going away looks like to its clients, over real HTTP: while the runtime drains (after SIGTERM, once
 * the preStop hook let endpoints converge) it reports not ready yet answers every prediction that still arrives,
 * telling keep-alive clients to reconnect elsewhere; a prediction in flight when it stops is answered.
 */
class DrainTest {
    static final String ROW = "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}";
    @TempDir
    Path cache;

    @Test
    void aDrainingRuntimeReportsNotReadyButAnswersPredictionsThatStillArrive() throws Exception {
        try (TestRuntime runtime = TestRuntime.start(ExampleModels.iris(), cache)) {
            assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);

            runtime.drain();

            assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(503);
            assertThat(runtime.get("/health").body()).contains("shutting down");
            HttpResponse<String> seed = runtime.post("/predict", ROW);
            assertThat(seed.statusCode()).as(seed.body()).isEqualTo(200);
            assertThat(seed.body()).contains("setosa");
            assertThat(seed.headers().firstValue("Connection")).hasValue("close");
            HttpResponse<String> oip = runtime.post("/v2/models/iris/infer",
                    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP64\",\"data\":[5.1,3.5,1.4,0.2]}]}");
            assertThat(oip.statusCode()).as(oip.body()).isEqualTo(200);
        }
    }

    @Test
    void aStoppingRuntimeKeepsAnsweringWhileShortRequestsStillArrive() throws Exception {
        // Endpoints that lag behind keep sending short requests (a few ms each) after SIGTERM: the runtime must
        // not take the gaps between them for the end of the traffic. One request every 100 ms for 3 s.
        var runtime = TestRuntime.start(ExampleModels.iris(), cache);
        var answers = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 30; i++) {
                try {
                    answers.add(Integer.toString(runtime.post("/predict", ROW).statusCode()));
                    Thread.sleep(100);
                } catch (Exception e) {
                    answers.add(e.toString());
                }
            }
        });
        sender.start();
        Thread.sleep(300);

        long start = System.nanoTime();
        runtime.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);
        sender.join();

        assertThat(answers).hasSize(30).allSatisfy(a -> assertThat(a).isEqualTo("200"));
        assertThat(closing).as("stopped only after the requests stopped coming").isGreaterThan(Duration.ofMillis(2500));
    }

    @Test
    void aPredictionInFlightWhenTheRuntimeStopsIsAnswered() throws Exception {
        // Batches wait up to 400 ms to fill, so the request is still in flight when close() begins.
        var runtime = TestRuntime.start(new RuntimeSettings(ExampleModels.iris().toString(), Optional.empty(),
                Optional.of("1"), "127.0.0.1", 0, cache, new ModelService.BatchingSettings(32, 400, 100), 1 << 20,
                Duration.ofSeconds(5)));
        CompletableFuture<HttpResponse<String>> inFlight = runtime.client().sendAsync(
                runtime.request("/predict", ROW), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(100);

        runtime.close();

        HttpResponse<String> answer = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("setosa");
    }
}
