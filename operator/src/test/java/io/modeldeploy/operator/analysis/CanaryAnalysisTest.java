package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import io.modeldeploy.api.v1alpha1.AnalysisSpec;
import io.modeldeploy.api.v1alpha1.MetricAnalysisSpec;
import io.modeldeploy.operator.analysis.CanaryAnalysis.Thresholds;
import io.modeldeploy.operator.analysis.CanaryAnalysis.Verdict;

class CanaryAnalysisTest {
    private static final Thresholds LATENCY_TOO = new Thresholds(true, 100, 1.0, OptionalDouble.of(2.0),
            Duration.ofMillis(10));

    @Test
    void noVerdictBeforeTheCanaryAnsweredEnoughRequests() {
        Verdict verdict = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(99, 0, 99, 0.001), track(5000, 0, 0, 0.001));

        assertThat(verdict.failure()).isEmpty();
        assertThat(verdict.summary()).isEqualTo("no metric verdict yet: the canary answered 99 of 100 requests");
    }

    @Test
    void serverErrorsAboveTheLimitFail() {
        Verdict verdict = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(400, 0, 12, 0.001), track(5000, 0, 0, 0.001));

        assertThat(verdict.failure()).contains(
                "the canary answered 3% of 400 requests with a 5xx status (at most 1%)");
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(400, 0, 4, 0.001), track(5000, 0, 0, 0.001))
                .failure()).as("1% is within the limit").isEmpty();
    }

    @Test
    void clientErrorsCountOnlyBeyondTheStableVersionsShare() {
        Verdict refusesWhatStableTook = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(400, 40, 0, 0.001),
                track(1000, 10, 0, 0.001));
        Verdict sameBadClients = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(400, 40, 0, 0.001),
                track(1000, 95, 0, 0.001));

        assertThat(refusesWhatStableTook.failure()).contains("the canary answered 10% of 400 requests with a 4xx "
                + "status, the stable version 1% of 1000 (at most 1% more)");
        assertThat(sameBadClients.failure()).isEmpty();
    }

    @Test
    void aP99AboveTheRatioOfTheStablesFails() {
        Verdict verdict = CanaryAnalysis.judge(LATENCY_TOO, track(400, 0, 0, 0.050), track(5000, 0, 0, 0.004));

        assertThat(verdict.failure()).contains("the canary's p99 latency 50 ms is over 2 × the stable version's "
                + "4.0 ms (counted as 10 ms), over 400 and 5000 requests");
    }

    @Test
    void latenciesUnderTheFloorAreNoRegression() {
        Verdict eightTimesButFast = CanaryAnalysis.judge(LATENCY_TOO, track(400, 0, 0, 0.008),
                track(5000, 0, 0, 0.001));

        assertThat(eightTimesButFast.failure()).isEmpty();
        assertThat(eightTimesButFast.summary()).isEqualTo("the canary's metrics pass: 0% 5xx, 0% 4xx of 400 requests, "
                + "p99 latency 7.9 ms (stable 1.0 ms)");
    }

    @Test
    void latencyIsJudgedOnlyWhenARatioIsSetAndTheStableVersionHasEnoughRequests() {
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(400, 0, 0, 0.500), track(5000, 0, 0, 0.004))
                .failure()).isEmpty();
        assertThat(CanaryAnalysis.judge(LATENCY_TOO, track(400, 0, 0, 0.500), track(50, 0, 0, 0.004))
                .failure()).isEmpty();
    }

    @Test
    void thresholdsComeFromTheSpecWithTheApisDefaults() {
        assertThat(Thresholds.of(new AnalysisSpec(5, 3, 3))).isEqualTo(Thresholds.DEFAULTS);
        assertThat(Thresholds.of(new AnalysisSpec(5, 3, 3, new MetricAnalysisSpec(false, null, null, null, null)))
                .enabled()).isFalse();
        assertThat(Thresholds.of(new AnalysisSpec(5, 3, 3, new MetricAnalysisSpec(true, 50, 0.5, 3.0, 20))))
                .isEqualTo(new Thresholds(true, 50, 0.5, OptionalDouble.of(3.0), Duration.ofMillis(20)));
    }

    /** A track whose requests all took {@code seconds} (one bucket just above it). */
    private static TrackMetrics track(long requests, long clientErrors, long serverErrors, double seconds) {
        return new TrackMetrics(requests, clientErrors, serverErrors,
                Map.of(seconds, requests, Double.POSITIVE_INFINITY, requests));
    }
}
