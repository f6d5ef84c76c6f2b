package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
            Duration.ofMillis(10), OptionalDouble.empty());
    private static final Thresholds PREDICTIONS_TOO = new Thresholds(true, 100, 1.0, OptionalDouble.empty(),
            Duration.ofMillis(10), OptionalDouble.of(0.1));

    @Test
    void noVerdictBeforeTheCanaryAnsweredEnoughRequests() {
        Verdict verdict = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(99, 0, 99, 0.001), track(5000, 0, 0, 0.001));

        assertThat(verdict.failure()).isEmpty();
        assertThat(verdict.summary()).isEqualTo("no metric verdict yet: the canary answered 99 of 100 requests");
    }

    @Test
    void aCanaryThatAnswersTheMirroredRowsOtherwiseThanStableFailsWithTheAgreement() {
        TrackMetrics stable = withShadow(track(5000, 0, 0, 0.001), "2.0.0", new TrackMetrics.Shadow(41, 59, 0, 0));

        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(100, 0, 0, 0.001), stable, "2.0.0").failure())
                .contains("the canary answered 41% of 100 mirrored rows as the stable version did (at least 95%)");
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(100, 0, 0, 0.001), stable, "3.0.0").failure())
                .as("rows compared with another version").isEmpty();
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(100, 0, 0, 0.001), stable).failure())
                .as("no shadow step").isEmpty();
        TrackMetrics few = withShadow(track(5000, 0, 0, 0.001), "2.0.0", new TrackMetrics.Shadow(0, 99, 0, 0));
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(100, 0, 0, 0.001), few, "2.0.0").failure())
                .as("fewer rows than minRequests: no verdict").isEmpty();
        TrackMetrics agreeing = withShadow(track(5000, 0, 0, 0.001), "2.0.0", new TrackMetrics.Shadow(97, 3, 0, 0));
        Verdict pass = CanaryAnalysis.judge(Thresholds.DEFAULTS, track(100, 0, 0, 0.001), agreeing, "2.0.0");
        assertThat(pass.failure()).isEmpty();
        assertThat(pass.summary()).contains("97% of 100 mirrored rows answered as stable");
    }

    @Test
    void aRegressorsMirroredValuesAreJudgedByTheirMeanDifferenceWhenALimitIsSet() {
        TrackMetrics stable = withShadow(track(5000, 0, 0, 0.001), "2.0.0", new TrackMetrics.Shadow(0, 200, 50, 200));
        Thresholds limited = new Thresholds(true, 100, 1.0, OptionalDouble.empty(), Duration.ofMillis(10),
                OptionalDouble.empty(), 95, OptionalDouble.of(0.1));

        assertThat(CanaryAnalysis.judge(limited, track(200, 0, 0, 0.001), stable, "2.0.0").failure()).contains(
                "on 200 mirrored rows the canary's values differ from the stable version's by 0.250 on average "
                        + "(at most 0.100)");
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, track(200, 0, 0, 0.001), stable, "2.0.0").failure())
                .as("no limit set: numbers are not judged by agreement").isEmpty();
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
                .isEqualTo(new Thresholds(true, 50, 0.5, OptionalDouble.of(3.0), Duration.ofMillis(20),
                        OptionalDouble.empty()));
        assertThat(Thresholds.of(new AnalysisSpec(5, 3, 3, new MetricAnalysisSpec(true, 50, 0.5, null, 20, 0.2)))
                .maxPredictionDivergence()).hasValue(0.2);
    }

    @Test
    void theJensenShannonDivergenceIsZeroForTheSameSharesOneForDisjointClassesAndKnownBetween() {
        assertThat(CanaryAnalysis.jensenShannon(Map.of("a", 30L, "b", 10L), Map.of("a", 300L, "b", 100L)))
                .isCloseTo(0, within(1e-12));
        assertThat(CanaryAnalysis.jensenShannon(Map.of("a", 5L), Map.of("b", 7L))).isCloseTo(1, within(1e-12));
        // P = (1/2, 1/2), Q = (1, 0), M = (3/4, 1/4): (KL(P||M) + KL(Q||M)) / 2 = (0.2075 + 0.4150) / 2.
        double expected = (0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25) + log2(1 / 0.75)) / 2;
        assertThat(CanaryAnalysis.jensenShannon(Map.of("a", 1L, "b", 1L), Map.of("a", 4L)))
                .isCloseTo(expected, within(1e-12)).isCloseTo(0.3113, within(1e-4));
        assertThat(CanaryAnalysis.jensenShannon(Map.of("a", 1L, "b", 1L), Map.of("a", 4L)))
                .as("symmetric").isEqualTo(CanaryAnalysis.jensenShannon(Map.of("a", 4L), Map.of("a", 1L, "b", 1L)));
    }

    @Test
    void aCanaryThatPredictsOtherClassesOnTheSameTrafficFails() {
        Verdict swapped = CanaryAnalysis.judge(PREDICTIONS_TOO, predicting(400, Map.of("virginica", 400L)),
                predicting(1200, Map.of("setosa", 1140L, "versicolor", 60L)));

        assertThat(swapped.failure()).contains("the classes the canary predicts diverge from the stable version's: "
                + "Jensen-Shannon divergence 1.00 > 0.1 (canary virginica 100%; stable setosa 95%, versicolor 5%), "
                + "over 400 and 1200 predictions");
    }

    @Test
    void aRegressorWhoseValuesMovedToOtherRangesFailsOnItsValueHistogram() {
        // What the stable and canary pods' /metrics say of a house-price model: the canary predicts ten times less.
        TrackMetrics stable = TrackMetrics.parse(valueHistogram(1200, 0, 100, 1100)).plus(requests(1200));
        TrackMetrics canary = TrackMetrics.parse(valueHistogram(400, 380, 400, 400)).plus(requests(400));

        Verdict shifted = CanaryAnalysis.judge(PREDICTIONS_TOO, canary, stable);

        assertThat(shifted.failure()).hasValueSatisfying(failure -> assertThat(failure).contains(
                "Jensen-Shannon divergence 0.94 > 0.1 (canary value in (10, 20] 95%, value in (20, 50] 5%; "
                        + "stable value in (50, 100] 83.3%, value > 100 8.3%, value in (20, 50] 8.3%), "
                        + "over 400 and 1200 predictions"));
    }

    /** A regressor's cumulative value histogram: how many of {@code total} were at most 20, 50 and 100 (0.9364 bits
     * apart for the two above, computed by hand). */
    private static String valueHistogram(long total, long upTo20, long upTo50, long upTo100) {
        return """
                modeldeploy_prediction_value_bucket{model="house",version="v",le="10.0"} 0
                modeldeploy_prediction_value_bucket{model="house",version="v",le="20.0"} %d
                modeldeploy_prediction_value_bucket{model="house",version="v",le="50.0"} %d
                modeldeploy_prediction_value_bucket{model="house",version="v",le="100.0"} %d
                modeldeploy_prediction_value_bucket{model="house",version="v",le="+Inf"} %d
                """.formatted(upTo20, upTo50, upTo100, total);
    }

    private static TrackMetrics requests(long n) {
        return new TrackMetrics(n, 0, 0, Map.of(0.01, n, Double.POSITIVE_INFINITY, n));
    }

    @Test
    void aCanaryThatPredictsTheSameSharesWithinSamplingNoisePasses() {
        Verdict same = CanaryAnalysis.judge(PREDICTIONS_TOO,
                predicting(150, Map.of("setosa", 52L, "versicolor", 47L, "virginica", 51L)),
                predicting(1500, Map.of("setosa", 500L, "versicolor", 500L, "virginica", 500L)));

        assertThat(same.failure()).isEmpty();
        assertThat(same.summary()).endsWith("prediction divergence 0.00");
        assertThat(CanaryAnalysis.judge(Thresholds.DEFAULTS, predicting(400, Map.of("virginica", 400L)),
                predicting(1200, Map.of("setosa", 1200L))).failure()).as("not judged unless set").isEmpty();
    }

    private static TrackMetrics predicting(long requests, Map<String, Long> labels) {
        return new TrackMetrics(requests, 0, 0, Map.of(0.001, requests, Double.POSITIVE_INFINITY, requests), labels);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** A track whose requests all took {@code seconds} (one bucket just above it). */
    private static TrackMetrics withShadow(TrackMetrics track, String version, TrackMetrics.Shadow rows) {
        return new TrackMetrics(track.requests(), track.clientErrors(), track.serverErrors(), track.latencyBuckets(),
                track.predictedLabels(), Map.of(new TrackMetrics.ShadowPod(version, "iris-canary-1"), rows));
    }

    private static TrackMetrics track(long requests, long clientErrors, long serverErrors, double seconds) {
        return new TrackMetrics(requests, clientErrors, serverErrors,
                Map.of(seconds, requests, Double.POSITIVE_INFINITY, requests));
    }
}
