package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.modeldeploy.runtime.http.BodyBudget;

/**
 * Large prediction requests at once cannot take the runtime's heap: a real runtime process with a 96 MiB heap,
 * sent 48 requests of 2 MB at once (96 MB of bodies, each costing about 20 MB more to read), answers each one (413
 * for too many rows, or 503 beyond its budget of requests held) and goes on serving. Without the budget, and with a
 * budget counted only once bodies were buffered (the first version, which CI caught), the same load ends the
 * process with OutOfMemoryError.
 */
class RequestBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

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
        try (var runtime = RuntimeProcess.start(work, List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"),
                "--max-body-mib", "2")) {
            // 200,000 rows of 10 bytes: under the 2 MiB body limit, over the 10,000 rows a request may have.
            String big = "{\"features\": [" + "[0,0,0,0],".repeat(199_999) + "[0,0,0,0]]}";
            var answers = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 48; i++) {
                answers.add(runtime.client().sendAsync(runtime.predict(big), HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (var answer : answers) {
                HttpResponse<String> response = answer.get();
                statuses.add(response.statusCode());
                assertThat(JSON.readTree(response.body()).has("error")).as(response.body()).isTrue();
            }

            assertThat(runtime.alive()).as(runtime.log()).isTrue();
            assertThat(statuses).containsOnly(413, 503).contains(413, 503);
            var seed = runtime.client().send(runtime.predict("{\"features\": [[5.1, 3.5, 1.4, 0.2]]}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(seed.statusCode()).as(seed.body()).isEqualTo(200);
            String metrics = runtime.client().send(HttpRequest.newBuilder(runtime.uri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("endpoint=\"/predict\",model=\"iris\",status=\"503\"");
        }
    }
}
