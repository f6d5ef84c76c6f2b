package io.modeldeploy.operator.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrackMetricsTest {
    /** The shape of the runtime's /metrics (Micrometer's Prometheus exposition), abridged. */
    static final String EXPOSITION = """
            # HELP modeldeploy_requests_total HTTP requests answered
            # TYPE modeldeploy_requests_total counter
            modeldeploy_requests_total{endpoint="/predict",model="iris",status="200",version="2.0.0"} 380.0
            modeldeploy_requests_total{endpoint="/predict",model="iris",status="400",version="2.0.0"} 8.0
            modeldeploy_requests_total{endpoint="/v2/models/{name}/infer",model="iris",status="503",version="2.0.0"} 12.0
            modeldeploy_requests_total{endpoint="/v2/health/ready",model="iris",status="200",version="2.0.0"} 900.0
            modeldeploy_requests_total{endpoint="/metrics",model="iris",status="200",version="2.0.0"} 40.0
            # HELP modeldeploy_request_latency_seconds Time to answer a request
            # TYPE modeldeploy_request_latency_seconds histogram
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="200",version="2.0.0",le="0.001"} 190.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="200",version="2.0.0",le="0.002"} 350.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="200",version="2.0.0",le="0.005"} 376.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="200",version="2.0.0",le="0.01"} 380.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="200",version="2.0.0",le="+Inf"} 380.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="400",version="2.0.0",le="0.001"} 8.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="400",version="2.0.0",le="0.002"} 8.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="400",version="2.0.0",le="0.005"} 8.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="400",version="2.0.0",le="0.01"} 8.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/predict",model="iris",status="400",version="2.0.0",le="+Inf"} 8.0
            modeldeploy_request_latency_seconds_bucket{endpoint="/v2/health/ready",model="iris",status="200",version="2.0.0",le="+Inf"} 900.0
            modeldeploy_request_latency_seconds_count{endpoint="/predict",model="iris",status="200",version="2.0.0"} 380.0
            # HELP modeldeploy_predictions_total Predictions made, by predicted label
            # TYPE modeldeploy_predictions_total counter
            modeldeploy_predictions_total{label="setosa",model="iris",version="2.0.0"} 500.0
            modeldeploy_predictions_total{label="virginica",model="iris",version="2.0.0"} 250.0
            """;

    @Test
    void countsInferenceRequestsAndTheirErrorsButNotHealthOrMetrics() {
        TrackMetrics metrics = TrackMetrics.parse(EXPOSITION);

        assertThat(metrics.requests()).isEqualTo(400);
        assertThat(metrics.clientErrors()).isEqualTo(8);
        assertThat(metrics.serverErrors()).isEqualTo(12);
        assertThat(metrics.latencyBuckets()).containsEntry(Double.POSITIVE_INFINITY, 388L).containsEntry(0.001, 198L);
        assertThat(metrics.predictedLabels()).isEqualTo(java.util.Map.of("setosa", 500L, "virginica", 250L));
    }

    @Test
    void countsGrpcInferenceCallsAsTheRuntimeLabelsThem() {
        TrackMetrics metrics = TrackMetrics.parse("""
                modeldeploy_requests_total{endpoint="/inference.GRPCInferenceService/ModelInfer",model="iris",status="200",version="2.0.0"} 70.0
                modeldeploy_requests_total{endpoint="/inference.GRPCInferenceService/ModelInfer",model="iris",status="503",version="2.0.0"} 3.0
                modeldeploy_requests_total{endpoint="/predict",model="iris",status="200",version="2.0.0"} 30.0
                """);

        assertThat(metrics.requests()).isEqualTo(103);
        assertThat(metrics.serverErrors()).isEqualTo(3);
    }

    @Test
    void readsWhatTheTrackComparedWithEachShadowVersion() {
        TrackMetrics metrics = TrackMetrics.parse("""
                # TYPE modeldeploy_shadow_rows_total counter
                modeldeploy_shadow_rows_total{result="agree",shadow_version="2.0.0",version="1.0.0"} 30.0
                modeldeploy_shadow_rows_total{result="disagree",shadow_version="2.0.0",version="1.0.0"} 70.0
                modeldeploy_shadow_rows_total{result="agree",shadow_version="1.5.0",version="1.0.0"} 5.0
                modeldeploy_shadow_absolute_error_count{shadow_version="3.0.0",version="1.0.0"} 4
                modeldeploy_shadow_absolute_error_sum{shadow_version="3.0.0",version="1.0.0"} 0.5
                """);
        TrackMetrics twoPods = metrics.plus(metrics);

        assertThat(metrics.shadowOf("2.0.0")).isEqualTo(new TrackMetrics.Shadow(30, 70, 0, 0));
        assertThat(twoPods.shadowOf("2.0.0").rows()).isEqualTo(200);
        assertThat(twoPods.shadowOf("3.0.0")).isEqualTo(new TrackMetrics.Shadow(0, 0, 1.0, 8));
        assertThat(metrics.shadowOf("9.9.9").rows()).isZero();
        assertThat(metrics.requests()).isZero();
    }

    @Test
    void onlyTheComparisonsTheCurrentCanaryPodsAnsweredCountForTheirVersion() {
        // A first try of 2.0.0 (pod iris-canary-old) disagreed everywhere and was rolled back; the second try's
        // pods agree. A runtime that does not name its pod leaves shadow_pod out: its rows count for every pod.
        TrackMetrics stable = TrackMetrics.parse("""
                modeldeploy_shadow_rows_total{result="disagree",shadow_pod="iris-canary-old",shadow_version="2.0.0",version="1.0.0"} 300.0
                modeldeploy_shadow_rows_total{result="agree",shadow_pod="iris-canary-new1",shadow_version="2.0.0",version="1.0.0"} 40.0
                modeldeploy_shadow_rows_total{result="agree",shadow_pod="iris-canary-new2",shadow_version="2.0.0",version="1.0.0"} 50.0
                modeldeploy_shadow_rows_total{result="disagree",shadow_pod="iris-canary-new2",shadow_version="2.0.0",version="1.0.0"} 1.0
                modeldeploy_shadow_rows_total{result="agree",shadow_version="2.0.0",version="1.0.0"} 5.0
                modeldeploy_shadow_absolute_error_count{shadow_pod="iris-canary-old",shadow_version="2.0.0",version="1.0.0"} 7
                """);

        assertThat(stable.shadowOf("2.0.0")).isEqualTo(new TrackMetrics.Shadow(95, 301, 0, 7));
        TrackMetrics current = stable.answeredBy(List.of("iris-canary-new1", "iris-canary-new2"));
        assertThat(current.shadowOf("2.0.0")).isEqualTo(new TrackMetrics.Shadow(95, 1, 0, 0));
        assertThat(current.plus(current).shadowOf("2.0.0").rows()).isEqualTo(192);
        assertThat(stable.answeredBy(List.of()).shadowOf("2.0.0")).isEqualTo(new TrackMetrics.Shadow(5, 0, 0, 0));
    }

    @Test
    void quantilesInterpolateWithinTheirBucketAsPrometheusDoes() {
        TrackMetrics metrics = TrackMetrics.parse(EXPOSITION);

        // 388 observations: rank 384.12 falls in (0.005, 0.01], which holds ranks 385 to 388 from 384 below it.
        assertThat(metrics.latencyQuantile(0.99).getAsDouble()).isCloseTo(0.005 + 0.005 * (384.12 - 384) / 4,
                within(1e-9));
        // rank 194 falls in (0, 0.001], all 198 of them: 0.001 × 194 / 198.
        assertThat(metrics.latencyQuantile(0.5).getAsDouble()).isCloseTo(0.001 * 194 / 198, within(1e-9));
        assertThat(TrackMetrics.NONE.latencyQuantile(0.99)).isEmpty();
    }

    @Test
    void aQuantileInTheUnboundedBucketIsItsLowerBound() {
        TrackMetrics slow = TrackMetrics.parse("""
                modeldeploy_request_latency_seconds_bucket{endpoint="/predict",status="200",le="0.1"} 10
                modeldeploy_request_latency_seconds_bucket{endpoint="/predict",status="200",le="+Inf"} 100
                """);

        assertThat(slow.latencyQuantile(0.99).getAsDouble()).isEqualTo(0.1);
    }

    @Test
    void aRegressorsValueHistogramBecomesItsRangesWithTheirCounts() {
        TrackMetrics metrics = TrackMetrics.parse("""
                modeldeploy_prediction_value_bucket{model="house",version="2.0.0",le="-0.2"} 1.0
                modeldeploy_prediction_value_bucket{model="house",version="2.0.0",le="0.0"} 1.0
                modeldeploy_prediction_value_bucket{model="house",version="2.0.0",le="0.2"} 1.0
                modeldeploy_prediction_value_bucket{model="house",version="2.0.0",le="0.5"} 4.0
                modeldeploy_prediction_value_bucket{model="house",version="2.0.0",le="+Inf"} 5.0
                modeldeploy_prediction_value_count{model="house",version="2.0.0"} 5
                """);

        assertThat(metrics.predictedLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "value <= -0.2", 1L, "value in (0.2, 0.5]", 3L, "value > 0.5", 1L));
    }

    @Test
    void podsAddUp() {
        TrackMetrics one = TrackMetrics.parse(EXPOSITION);
        TrackMetrics both = one.plus(one);

        assertThat(both.requests()).isEqualTo(800);
        assertThat(both.serverErrors()).isEqualTo(24);
        assertThat(both.latencyBuckets()).containsEntry(Double.POSITIVE_INFINITY, 776L);
        assertThat(both.latencyQuantile(0.99)).isEqualTo(one.latencyQuantile(0.99));
        assertThat(both.predictedLabels()).containsEntry("setosa", 1000L).containsEntry("virginica", 500L);
    }

    @Test
    void labelValuesKeepTheirEscapes() {
        assertThat(TrackMetrics.labels("a=\"x,y\",b=\"say \\\"hi\\\"\\n\",endpoint=\"/predict\""))
                .containsEntry("a", "x,y").containsEntry("b", "say \"hi\"\n").containsEntry("endpoint", "/predict");
    }

    @Test
    void malformedSamplesAreRefusedNotMiscounted() {
        assertThatThrownBy(() -> TrackMetrics.parse(
                "modeldeploy_requests_total{endpoint=\"/predict\",status=\"200\"} lots\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no number");
        assertThatThrownBy(() -> TrackMetrics.parse("modeldeploy_requests_total{endpoint=\"/predict 12\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrackMetrics.parse(
                "modeldeploy_requests_total{endpoint=\"/predict\",status=\"200\"} -3\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
