package io.modeldeploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modeldeploy.runtime.inference.ModelService;

/**
 * The injected latency that rehearses a slow release: every prediction answers that much later, as the runtime's
 * own latency histogram (what a canary analysis reads) shows; health checks do not wait.
 */
class InjectedLatencyTest {
    @TempDir
    Path cache;

    @Test
    void everyPredictionIsDelayedAndItsLatencyShowsIt() throws Exception {
        var settings = new RuntimeSettings(ExampleModels.iris().toString(), Optional.empty(), Optional.of("2.0.0"),
                "127.0.0.1", 0, cache, new ModelService.BatchingSettings(32, 0, 1000), 1 << 20, Duration.ofSeconds(5))
                .withInjectedLatency(Duration.ofMillis(300));
        try (var runtime = TestRuntime.start(settings)) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                var answer = runtime.post("/predict", "{\"features\":[[5.1,3.5,1.4,0.2]]}");
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("setosa");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            }
            assertThat(runtime.get("/v2/health/ready").statusCode()).isEqualTo(200);

            String metrics = runtime.get("/metrics").body();
            assertThat(bucket(metrics, "/predict", "0.268435456")).as("no prediction answered in under 0.27 s")
                    .isZero();
            assertThat(bucket(metrics, "/predict", "+Inf")).isEqualTo(3);
        }
    }

    @Test
    void theSettingComesFromAFlagOrTheEnvironmentAndIsNeverNegative() {
        assertThat(RuntimeSettings.from(new String[] {"--model", "m", "--injected-latency-ms", "250"}, Map.of())
                .injectedLatency()).isEqualTo(Duration.ofMillis(250));
        assertThat(RuntimeSettings.from(new String[] {"--model", "m"}, Map.of("MODELDEPLOY_INJECTED_LATENCY_MS", "40"))
                .injectedLatency()).isEqualTo(Duration.ofMillis(40));
        assertThat(RuntimeSettings.from(new String[] {"--model", "m"}, Map.of()).injectedLatency()).isZero();
        assertThatThrownBy(() -> RuntimeSettings.from(new String[] {"--model", "m", "--injected-latency-ms", "-5"},
                Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("injected-latency-ms must be at least 0, not -5");
    }

    /** The count of a latency bucket of the runtime's /metrics for an endpoint, over all statuses; it must exist. */
    private static long bucket(String metrics, String endpoint, String le) {
        var sample = Pattern.compile("^modeldeploy_request_latency_seconds_bucket\\{(.*)\\} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        long count = 0;
        boolean found = false;
        while (sample.find()) {
            String labels = sample.group(1);
            if (labels.contains("endpoint=\"" + endpoint + "\"") && labels.contains("le=\"" + le + "\"")) {
                found = true;
                count += (long) Double.parseDouble(sample.group(2));
            }
        }
        assertThat(found).as("a bucket le=%s of %s in %s", le, endpoint, metrics).isTrue();
        return count;
    }
}
